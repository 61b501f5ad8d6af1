"""The built-in decision tree, shipped as package data."""
