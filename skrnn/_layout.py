"""What the features of a window are: targets, and past, future-known and
static covariates; and categorical columns as integer codes.

Windowing records a :class:`WindowLayout` on the windows it cuts
(:class:`~skrnn.PanelWindows`); the forecasters read it in ``fit`` to build
a model that masks what is not known at the forecast origin, and
``forecast`` reads it to assemble each window from a history and the
future-known values. This module knows nothing of Keras.
"""

import dataclasses
from numbers import Integral

import numpy as np

# Code of a category not seen in fit (and of a missing value); seen
# categories are 1, 2, ...
UNKNOWN_CODE = 0


@dataclasses.dataclass(frozen=True)
class WindowLayout:
    """The roles of the features (last axis) of covariate windows.

    Each window holds ``window`` past time steps and then ``horizon``
    future ones (0 without future-known covariates). At the past steps
    every feature holds its observed value; at the future steps only the
    ``future`` features are inputs (the model masks the others, which hold
    whatever the series held there, or NaN). ``static`` features are the
    same at every step of a series.

    Attributes
    ----------
    names : tuple of str
        The features' names (column names, or positions as text).
    targets : tuple of int
        The features forecast, in the order of ``y``'s columns.
    future : tuple of int
        Features known for the forecast period too.
    static : tuple of int
        Features constant within each series.
    categories : dict of int to tuple
        For each categorical feature, its categories; the windows hold their
        codes (1, 2, ... in this order; 0 for unknown or missing).
    window : int
        Past time steps.
    horizon : int
        Future time steps in each window (0 without ``future`` features).
    """

    names: tuple
    targets: tuple
    future: tuple = ()
    static: tuple = ()
    categories: dict = dataclasses.field(default_factory=dict)
    window: int = 1
    horizon: int = 0

    @property
    def length(self):
        """Time steps in each window: the past, then the future."""
        return self.window + self.horizon

    @property
    def past(self):
        """Covariates observed up to the origin: neither targets, future
        nor static."""
        taken = set(self.targets) | set(self.future) | set(self.static)
        return tuple(j for j in range(len(self.names)) if j not in taken)

    def names_of(self, indices):
        return [self.names[j] for j in indices]

    def to_dict(self):
        """Plain data (for saving): categories keyed by feature index."""
        data = dataclasses.asdict(self)
        data["categories"] = {
            str(j): list(values) for j, values in self.categories.items()
        }
        return data

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["categories"] = {
            int(j): tuple(values) for j, values in data["categories"].items()
        }
        for field in ("names", "targets", "future", "static"):
            data[field] = tuple(data[field])
        return cls(**data)


def _is_categorical(column):
    import pandas as pd

    dtype = column.dtype
    return not (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    )


def learn_categories(frames, categories):
    """Add the categories of the non-numeric columns of ``frames``.

    Parameters
    ----------
    frames : list of DataFrame
        The panel's DataFrames (all with the same columns).
    categories : dict of column name to tuple
        Categories known already (from ``fit``), kept as they are; new
        categorical columns are added, their categories sorted (or in the
        order of a pandas ``Categorical``).
    """
    import pandas as pd

    if not frames:
        return categories
    for name in frames[0].columns:
        if name in categories or not _is_categorical(frames[0][name]):
            continue
        column = frames[0][name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories[name] = tuple(column.cat.categories)
            continue
        seen = set()
        for frame in frames:
            seen.update(frame[name].dropna().unique().tolist())
        categories[name] = tuple(
            sorted(seen, key=lambda value: (str(type(value)), value))
        )
    return categories


def unseen_categories(frame, categories):
    """The values of ``frame``'s categorical columns not in ``categories``:
    a dict of column name to the set of them (columns with none left out)."""
    unseen = {}
    for name, values in categories.items():
        if name not in frame.columns:
            continue
        new = set(frame[name].dropna().unique().tolist()) - set(values)
        if new:
            unseen[name] = new
    return unseen


def warn_unseen(unseen, what):
    """Warn that the categories ``unseen`` (from :func:`unseen_categories`)
    of ``what`` (e.g. "future") were not seen in fit."""
    import warnings

    for name, values in unseen.items():
        shown = sorted(values, key=lambda value: (str(type(value)), str(value)))
        warnings.warn(
            f"{what}: column {name!r} holds the value(s) {shown}, not seen in "
            "fit; the model reads them as an unknown category. Check them for "
            "typos against the categories seen in fit.",
            UserWarning,
            stacklevel=4,
        )


def encode_categories(frame, categories):
    """``frame`` with its categorical columns replaced by float codes."""
    if not any(name in frame.columns for name in categories):
        return frame
    frame = frame.copy()
    for name, values in categories.items():
        if name not in frame.columns:
            continue
        lookup = {value: code for code, value in enumerate(values, start=1)}
        codes = frame[name].map(lookup)
        frame[name] = codes.fillna(UNKNOWN_CODE).astype(np.float64)
    return frame


def feature_indices(spec, names, n_features, option):
    """``spec`` (a column name or index, or a list of them) as indices."""
    if spec is None:
        return []
    items = list(spec) if isinstance(spec, list | tuple) else [spec]
    indices = []
    for item in items:
        if isinstance(item, Integral) and not isinstance(item, bool):
            if not -n_features <= item < n_features:
                raise ValueError(
                    f"{option}={item!r} is out of range for a series with "
                    f"{n_features} columns."
                )
            indices.append(int(item) % n_features)
        elif names is not None and item in names:
            indices.append(list(names).index(item))
        else:
            known = "" if names is None else f" Known columns: {list(names)}."
            raise ValueError(
                f"{option}={item!r} is not a column of series.{known} Pass a "
                "column name or an integer index."
            )
    return indices
