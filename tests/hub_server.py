"""The zoo's local hub for the tests: ``zoo.hub.local_server``, and the ``hub_server`` fixture of ``zoo.testing``."""
from zoo.hub.local_server import Fault, HubServer, Request, commit_of, corrupted  # noqa: F401 - re-exported
from zoo.testing import hub_server  # noqa: F401 - a fixture
