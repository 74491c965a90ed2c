"""dynastream_mock: Amazon DynamoDB and DynamoDB Streams, faked in-process for tests.

>>> from dynastream_mock import mock_streams
>>> with mock_streams() as mock:
...     mock.clock.freeze()
"""

from .clock import Clock
from .mock import MockStreams, current, mock_streams

__version__ = "0.1.0.dev0"

__all__ = ["Clock", "MockStreams", "__version__", "current", "mock_streams"]
