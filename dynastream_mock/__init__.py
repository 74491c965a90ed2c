"""dynastream_mock: Amazon DynamoDB and DynamoDB Streams, faked in-process for tests.

>>> from dynastream_mock import mock_streams
>>> with mock_streams() as mock:
...     mock.clock.freeze()
"""

# Before the imports: modules below read it while the package is still importing.
__version__ = "0.1.0.dev0"

from .audit import ConsumedReport
from .chaos import Chaos, ChaosEvent
from .clock import Clock
from .faults import Fault, Faults
from .mock import MockStreams, current, mock_streams
from .options import MockOptions
from .remote import RemoteMock
from .server import MockServer
from .triggers import Invocation, LambdaContext, Trigger, TriggerParameters

__all__ = [
    "Chaos",
    "ChaosEvent",
    "Clock",
    "ConsumedReport",
    "Fault",
    "Faults",
    "Invocation",
    "LambdaContext",
    "MockOptions",
    "MockServer",
    "MockStreams",
    "RemoteMock",
    "Trigger",
    "TriggerParameters",
    "__version__",
    "current",
    "mock_streams",
]
