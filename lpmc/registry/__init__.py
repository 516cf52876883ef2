"""The model registry: every model lpmc knows, where its files come from, whether it can run here, and
which one runs when a user picks a task's model (by name, alias, or "auto").

    entries.py  the models as plain data (one ModelEntry each)
    files.py    resolving an entry's files; availability with a reason a user can act on
    loading.py  loading once and sharing; choosing and running the first model that answers

    from lpmc import registry
    caption, chosen = registry.run("tag-captioning", "auto", lambda writer: writer.write(tags, "writing"))
    chosen.name, chosen.note   # which entry wrote it, and why the ones preferred to it did not
"""

from lpmc.registry.entries import (  # noqa: I001
    MODELS,
    Asset,
    Composite,
    Endpoint,
    HubFiles,
    HubRepo,
    ModelEntry,
    PyPIPackage,
)
from lpmc.registry.files import Availability, availability, describe_source, get, resolve_files
from lpmc.registry.loading import (
    Chosen,
    accepted,
    candidates,
    canonical,
    choices,
    entries,
    load,
    load_available,
    load_first,
    names,
    reset,
    run,
    table,
)
from lpmc.tasks import TASKS

__all__ = [
    "MODELS",
    "TASKS",
    "Asset",
    "Availability",
    "Chosen",
    "Composite",
    "Endpoint",
    "HubFiles",
    "HubRepo",
    "ModelEntry",
    "PyPIPackage",
    "accepted",
    "availability",
    "candidates",
    "canonical",
    "choices",
    "describe_source",
    "entries",
    "get",
    "load",
    "load_available",
    "load_first",
    "names",
    "reset",
    "resolve_files",
    "run",
    "table",
]
