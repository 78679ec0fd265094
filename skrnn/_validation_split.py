"""The validation rows of a fit, as an object (like skorch's ``ValidSplit``)."""

from numbers import Real

import numpy as np


class ValidationSplit:
    """Split a fit's rows into time-ordered training and validation rows.

    Parameters
    ----------
    validation_fraction : float in [0, 1) or splitter, default=0.1
        A float: the last ``int(validation_fraction * n)`` of the ``n``
        rows validate (none if that would leave none to train on). A
        scikit-learn splitter (an object with ``split`` and
        ``get_n_splits``, such as :class:`~sklearn.model_selection.TimeSeriesSplit`):
        its last split gives the training and validation rows. It sees the
        rows in time order, and a panel's series keys as ``groups``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import TimeSeriesSplit
    >>> from skrnn._validation_split import ValidationSplit
    >>> rows = np.arange(10)
    >>> train, validation = ValidationSplit(0.2).split(rows)
    >>> validation
    array([8, 9])
    >>> train, validation = ValidationSplit(TimeSeriesSplit(n_splits=4)).split(rows)
    >>> train, validation
    (array([0, 1, 2, 3, 4, 5, 6, 7]), array([8, 9]))
    """

    def __init__(self, validation_fraction=0.1):
        self.validation_fraction = validation_fraction

    def split(self, rows, groups=None):
        """The training and validation rows among ``rows``.

        Parameters
        ----------
        rows : ndarray of int
            The rows to split, in time order.
        groups : array-like of shape (n_rows,), default=None
            The series of each row, passed on to a splitter.

        Returns
        -------
        train_rows, validation_rows : ndarray of int
            Both in time order.
        """
        rows = np.asarray(rows)
        fraction = self.validation_fraction
        if isinstance(fraction, Real):
            n_validation = int(fraction * len(rows))
            if n_validation >= len(rows):
                n_validation = 0
            n_train = len(rows) - n_validation
            return rows[:n_train], rows[n_train:]
        check_splitter(fraction)
        try:
            *_, (train, validation) = fraction.split(
                np.zeros((len(rows), 1)), groups=groups
            )
        except ValueError as error:
            raise ValueError(
                f"validation_fraction={fraction!r} cannot split the {len(rows)} "
                f"complete windows: {error} Pass more windows, a splitter with "
                "fewer splits, or a float such as 0.1."
            ) from error
        if not len(train):
            raise ValueError(
                f"validation_fraction={fraction!r} left no training windows "
                f"among the {len(rows)} complete ones: pass a splitter whose "
                "last split trains on some, or a float such as 0.1."
            )
        return rows[np.sort(train)], rows[np.sort(validation)]

    def fraction(self, n_rows):
        """The share of ``n_rows`` rows that validate: ``validation_fraction``
        itself for a float, the size of a splitter's last validation fold
        over ``n_rows`` otherwise (for code that needs a fraction, such as
        the calibration of ``forecast``).

        Examples
        --------
        >>> from sklearn.model_selection import TimeSeriesSplit
        >>> from skrnn._validation_split import ValidationSplit
        >>> ValidationSplit(0.1).fraction(50)
        0.1
        >>> ValidationSplit(TimeSeriesSplit(n_splits=3)).fraction(100)
        0.25
        """
        if isinstance(self.validation_fraction, Real):
            return float(self.validation_fraction)
        _, validation = self.split(np.arange(n_rows))
        return len(validation) / n_rows


def check_splitter(splitter):
    """Refuse an object that is neither a fraction nor a splitter."""
    if not (hasattr(splitter, "split") and hasattr(splitter, "get_n_splits")):
        raise TypeError(
            "validation_fraction must be a float in [0, 1) or a scikit-learn "
            "splitter such as TimeSeriesSplit(), got "
            f"{type(splitter).__name__} {splitter!r}."
        )
