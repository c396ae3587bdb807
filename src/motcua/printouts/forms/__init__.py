"""Each module registers the versions of the forms a regulation laid out."""
from . import circular_01_2018  # noqa: F401
