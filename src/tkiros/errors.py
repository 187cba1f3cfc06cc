"""Errors the CLI turns into one line and an exit code (0 ok, 1 data does not conform, 2 input or runtime error)."""


class TkirosError(Exception):
    """An input or runtime error: a one-line message for the user, exit code 2."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SourceError(TkirosError):
    """A source file (Turtle, SPARQL, seed) is malformed; the message names file, line and column."""
