"""Run the assistant as `python -m ali_cancel`."""

from .app import main

main()
