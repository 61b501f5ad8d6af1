"""Run the assistant as `python -m ali_cancel`."""

from .launch import main

main()
