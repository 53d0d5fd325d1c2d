"""The `papermill.engine` entry point papermill loads as it starts: it brings the Java translator in.

A module of its own: papermill loads its entry points while papermill.engines is still being imported, and
threadbook_papermill may be what imported papermill in the first place (then it is only partly loaded here,
which a plain `import` allows and a `from ... import` does not).
"""
import threadbook_papermill  # noqa: F401 (registers the translator)
from papermill.engines import NBClientEngine


class ThreadbookEngine(NBClientEngine):
    """Papermill's nbclient engine under the name `threadbook`: an entry point must name an engine."""
