"""The test suite of ali-cancel."""
