"""The one error every dataset stage raises when it must refuse.

It lives on its own so that the stages below the database (the archive of added
files, the Parquet writer) can raise it without importing the database module.
"""


class DatasetError(RuntimeError):
    """The dataset cannot be built; the message names the file at fault."""
