"""Loading registry models once, and choosing which one runs for a task.

`load(name)` resolves the entry's files and calls its loader once; the model is cached and shared
between threads (`reset()` forgets them, for tests). `choose(task, choice)` turns what a user picked —
an entry's name, an alias, or "auto" — into the entries to try, in order; `run(task, choice, call)`
tries them until one answers and says which one did and why the ones before it did not.
"""

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from lpmc import runtime
from lpmc.errors import BackendError, InputError, ModelUnavailable
from lpmc.registry.entries import MODELS, ModelEntry
from lpmc.registry.files import availability, get, resolve_files
from lpmc.tasks import AUTO, PROTOCOLS

T = TypeVar("T")

_loaded: dict[str, Any] = {}
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def load(name: str) -> Any:
    """The loaded model `name`, built on first use and shared afterwards (thread-safe). ModelUnavailable
    when its files are missing or its loader does not return its task's protocol."""
    if name in _loaded:
        return _loaded[name]
    with _locks_guard:
        lock = _locks.setdefault(name, threading.Lock())
    with lock:
        if name not in _loaded:
            entry = get(name)
            files = resolve_files(name)
            runtime.apply_torch_threads()
            module_name, function_name = entry.loader.split(":")
            model = getattr(importlib.import_module(module_name), function_name)(files)
            if not isinstance(model, PROTOCOLS[entry.task]):
                raise ModelUnavailable(
                    f"{name}'s loader returned a {type(model).__name__}, which does not implement "
                    f"{PROTOCOLS[entry.task].__name__}."
                )
            _loaded[name] = model
    return _loaded[name]


def reset() -> None:
    """Forget every loaded model (tests that register tiny models call this afterwards)."""
    with _locks_guard:
        _loaded.clear()


def entries(task: str) -> list[ModelEntry]:
    """The task's entries: those `auto` tries first, in preference order, then the others by name."""
    of_task = [entry for entry in MODELS.values() if entry.task == task]
    return sorted(of_task, key=lambda entry: (entry.preference is None, entry.preference or 0))


def names(task: str | None = None) -> list[str]:
    """Registry names, optionally only those of one task (in the order `entries` gives)."""
    if task is None:
        return list(MODELS)
    return [entry.name for entry in entries(task)]


def choices(task: str) -> list[str]:
    """What a user may choose for `task` in the page and the CLI: "auto" and every entry's name."""
    return [AUTO, *names(task)]


def accepted(task: str) -> list[str]:
    """Every value `canonical` accepts for `task`: the choices and the entries' aliases."""
    return [*choices(task), *(alias for entry in entries(task) for alias in entry.aliases)]


def canonical(task: str, choice: str) -> str:
    """The entry name a choice means ("auto" stays "auto"); InputError listing the choices otherwise."""
    choice = (choice or AUTO).strip()
    for entry in entries(task):
        if choice == entry.name or choice in entry.aliases:
            return entry.name
    if choice == AUTO:
        return AUTO
    listed = [
        entry.name + (f" (or {', '.join(entry.aliases)})" if entry.aliases else "") for entry in entries(task)
    ]
    raise InputError(f"Unknown {task} model '{choice}'. Choose one of: {AUTO}, {', '.join(listed)}.")


def candidates(task: str, choice: str = AUTO) -> list[str]:
    """The entries to try for a choice, in order: the named one, or for "auto" those with a preference."""
    name = canonical(task, choice)
    if name != AUTO:
        return [name]
    return [entry.name for entry in entries(task) if entry.preference is not None]


@dataclass(frozen=True)
class Chosen:
    """Which entry ran for a task, and why the entries `auto` prefers to it did not."""

    name: str
    skipped: dict[str, str]  # entry name -> why it did not run

    @property
    def note(self) -> str:
        """'x was not used: reason. y was not used: reason.' or '' when nothing was skipped."""
        return " ".join(f"{name} was not used: {_sentence(reason)}" for name, reason in self.skipped.items())


def run(task: str, choice: str, call: Callable[[Any], T]) -> tuple[T, Chosen]:
    """call(model) with the first candidate that is available, loads and answers. With "auto" a model
    that is unavailable, fails to load or fails while answering (ModelUnavailable, BackendError) gives way
    to the next; a model chosen by name raises instead, with the registry's reason."""
    names_to_try = candidates(task, choice)
    by_name = canonical(task, choice) != AUTO
    skipped: dict[str, str] = {}
    for name in names_to_try:
        status = availability(name)
        if not status:
            if by_name:
                raise ModelUnavailable(f"{name} is not available: {status.reason}")
            skipped[name] = status.reason
            continue
        try:
            return call(load(name)), Chosen(name, skipped)
        except (ModelUnavailable, BackendError) as error:
            if by_name:
                raise
            skipped[name] = str(error)
    raise ModelUnavailable(f"No {task} model could run here. " + Chosen("", skipped).note)


def load_first(task: str, choice: str = AUTO) -> tuple[Any, Chosen]:
    """(loaded model, which one and why not the others) for the first candidate that loads."""
    return run(task, choice, lambda model: model)


def load_available(task: str, choice: str = AUTO) -> tuple[list[tuple[str, Any]], dict[str, str]]:
    """([(name, model)] of every candidate that loads, {name: why not} of the others). For tasks whose
    models add up (photo readers), where "auto" means all of them, not the first."""
    loaded, skipped = [], {}
    for name in candidates(task, choice):
        status = availability(name)
        try:
            if not status:
                raise ModelUnavailable(status.reason)
            loaded.append((name, load(name)))
        except ModelUnavailable as error:
            if canonical(task, choice) != AUTO:
                raise ModelUnavailable(f"{name} is not available: {error}") from None
            skipped[name] = str(error)
    return loaded, skipped


def table() -> list[dict[str, Any]]:
    """Every entry with its availability, as plain rows for the CLI and the Models tab."""
    from lpmc.registry.files import describe_source

    rows = []
    for entry in MODELS.values():
        status = availability(entry.name)
        rows.append(
            {
                "name": entry.name,
                "task": entry.task,
                "aliases": list(entry.aliases),
                "source": describe_source(entry.source),
                "available": status.available,
                "reason": status.reason,
                "license": entry.license,
                "size_mb": entry.size_mb,
                "citation": entry.citation,
                "description": entry.description,
                "default": entry.default,
            }
        )
    return rows


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
