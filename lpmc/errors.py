"""Errors whose message is meant for the person using lpmc.

Every exception raised for bad input or a missing model derives from `LpmcError`; the UI and the
CLI show `str(error)` as it is, so messages are written as sentences a user can act on.
"""


class LpmcError(Exception):
    """Base class: the message is shown to the user verbatim."""


class InputError(LpmcError):
    """The user's input (tags, text, options) cannot be used."""


class AudioError(InputError):
    """An audio file cannot be decoded, is empty, or is longer than the limit."""


class ImageError(InputError):
    """An image cannot be decoded, is empty, or is larger than the limit."""


class ModelUnavailable(LpmcError):
    """A model cannot run here; the message says why and how to make it available."""


class BackendError(LpmcError):
    """A model or service failed while producing a result (an LLM endpoint that is down, say)."""
