"""Save a fitted forecaster to one file and load it back, without pickle.

The file is a zip archive with up to four members:

- ``skrnn.json``: format version, library versions, the estimator class,
  ``get_params()`` and the fitted attributes, as JSON;
- ``model.keras``: the trained Keras model in Keras's own format;
- ``arrays.npz``: numeric arrays too large to read well as JSON (such as
  the optimizer's state), which ``skrnn.json`` refers to by name; numpy
  loads them without pickle;
- ``code.pkl``: only when a parameter is Python code that JSON cannot hold
  (a ``preprocessing`` function, a custom loss, callbacks): those values,
  pickled with cloudpickle. Reading it runs code, so :func:`load` refuses it
  unless ``safe_mode=False``.
"""

import io
import json
import math
import os
import pathlib
import pickle
import zipfile
import zlib
from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skrnn._atomic import atomic_outputs
from skrnn._backend import keras
from skrnn._model_bytes import MODEL_FILE, model_from_bytes, model_to_bytes

try:  # scikit-learn needs joblib, which needs cloudpickle (>= 1.5).
    import cloudpickle as _code_pickle
except ImportError:  # pragma: no cover
    _code_pickle = pickle

__all__ = ["SaveMixin", "load", "save_estimator"]

FORMAT = "skrnn-estimator"
FORMAT_VERSION = 1
JSON_MEMBER = "skrnn.json"
MODEL_MEMBER = MODEL_FILE
ARRAYS_MEMBER = "arrays.npz"
CODE_MEMBER = "code.pkl"

# Entries of the estimator's pickled state that are not saved as
# attributes: the model has its own member, and scikit-learn's version tag
# is in the document.
_NOT_ATTRIBUTES = ("model_", "_sklearn_version")

_UNSAFE = (
    "{path} contains arbitrary Python code ({what}). Loading it would run "
    "that code. Pass safe_mode=False only if you trust the file's source."
)


class SaveMixin:
    """The ``save`` method of skrnn's forecasters.

    The classes that inherit it, in skrnn's own modules, are the only ones
    :func:`load` restores.
    """

    def save(self, path):
        """Write the fitted forecaster to one file, without pickle.

        The file is a zip holding the Keras model (``.keras`` format) and
        the parameters and fitted attributes as JSON. Read it back with
        :func:`skrnn.load`.

        Parameters
        ----------
        path : str or path-like
            Where to write. An existing file is replaced only once the new
            one is complete.

        Returns
        -------
        path : pathlib.Path
            The file written.
        """
        return save_estimator(self, path)


def _forecaster_classes():
    """skrnn's own forecaster classes by name: the only ones a file may name."""
    classes, stack = {}, [SaveMixin]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("skrnn.") and not cls.__name__.startswith("_"):
            if cls is not SaveMixin:
                classes[cls.__name__] = cls
    return classes


# ------------------------------------------------------------------ encoding


class _NotJSONable(Exception):
    """A value (or a part of it) that only pickle can store."""


# Numeric arrays with more elements go to the binary ARRAYS_MEMBER (exact,
# compact); smaller ones stay readable in the JSON.
MAX_JSON_ARRAY_SIZE = 64


def _encode_float(value):
    if math.isfinite(value):
        return value
    return {"__float__": repr(value)}  # "nan", "inf" or "-inf"


class _Encoder:
    """Turn values into JSON data; large arrays and code are set aside.

    Tagged one-key objects keep what JSON lacks: ``{"__tuple__": [...]}``,
    ``{"__ndarray__": {"dtype", "shape", "data" or "member"}}``, ...
    """

    def __init__(self):
        self.arrays = {}  # name -> ndarray, for ARRAYS_MEMBER
        self.code = {}  # key -> value, for CODE_MEMBER

    def section(self, values, section):
        """Encode named ``values``; those JSON cannot hold go to ``code``."""
        encoded = {}
        for name, value in values.items():
            try:
                encoded[name] = self.encode(value)
            except _NotJSONable:
                key = f"{section}.{name}"
                self.code[key] = value
                encoded[name] = {"__code__": key}
        return encoded

    def array(self, array):
        if array.dtype.kind not in "biufUO":
            raise _NotJSONable(array.dtype)
        payload = {
            "dtype": "object" if array.dtype.kind == "O" else array.dtype.str,
            "shape": list(array.shape),
        }
        if array.dtype.kind in "biuf" and array.size > MAX_JSON_ARRAY_SIZE:
            payload["member"] = name = f"a{len(self.arrays)}"
            self.arrays[name] = array
        elif array.dtype.kind == "f":
            payload["data"] = [_encode_float(v) for v in array.ravel().tolist()]
        else:
            payload["data"] = [self.encode(v) for v in array.ravel().tolist()]
        return payload

    def encode(self, value):
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, np.ndarray):
            return {"__ndarray__": self.array(value)}
        if isinstance(value, np.generic):
            return {"__scalar__": self.array(np.asarray(value))}
        if isinstance(value, Integral):
            return int(value)
        if isinstance(value, float):
            return _encode_float(value)
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v) for v in value]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            if all(isinstance(k, str) for k in value):
                return {"__dict__": {k: self.encode(v) for k, v in value.items()}}
            items = [[self.encode(k), self.encode(v)] for k, v in value.items()]
            return {"__items__": items}
        if isinstance(value, np.random.RandomState):
            return {"__random_state__": self.encode(value.get_state(legacy=True))}
        if isinstance(value, keras.optimizers.Optimizer):
            # Keras's own config (no code) round-trips optimizers exactly;
            # loss configs do not (Huber drops its delta): losses are pickled.
            return {"__keras__": keras.saving.serialize_keras_object(value)}
        raise _NotJSONable(type(value))


class _Decoder:
    """Inverse of :class:`_Encoder`, given the archive's arrays and code."""

    def __init__(self, arrays, code, safe_mode):
        self.arrays, self.code, self.safe_mode = arrays, code, safe_mode

    def array(self, payload):
        if "member" in payload:
            array = self.arrays[payload["member"]]
            if array.dtype.str != payload["dtype"]:
                raise ValueError(f"array {payload['member']} has the wrong dtype")
        elif payload["dtype"] == "object":
            values = [self.decode(v) for v in payload["data"]]
            array = np.empty(len(values), dtype=object)
            array[:] = values
        else:
            values = [self.decode(v) for v in payload["data"]]
            array = np.array(values, dtype=np.dtype(payload["dtype"]))
        return array.reshape(payload["shape"])

    def decode(self, data):
        if isinstance(data, list):
            return [self.decode(v) for v in data]
        if not isinstance(data, dict):
            return data
        if len(data) != 1:
            raise ValueError(f"unexpected JSON object with keys {sorted(data)}")
        ((tag, payload),) = data.items()
        if tag == "__float__":
            return float(payload)
        if tag == "__tuple__":
            return tuple(self.decode(v) for v in payload)
        if tag == "__dict__":
            return {k: self.decode(v) for k, v in payload.items()}
        if tag == "__items__":
            return {self.decode(k): self.decode(v) for k, v in payload}
        if tag == "__ndarray__":
            return self.array(payload)
        if tag == "__scalar__":
            return self.array(payload)[()]
        if tag == "__random_state__":
            random_state = np.random.RandomState()
            random_state.set_state(self.decode(payload))
            return random_state
        if tag == "__keras__":
            return keras.saving.deserialize_keras_object(
                payload, safe_mode=self.safe_mode
            )
        if tag == "__code__":
            return self.code[payload]
        raise ValueError(f"unknown JSON tag {tag!r}")


class _CodePickler(_code_pickle.Pickler):
    """Pickle code, leaving out the Keras models that callbacks point to.

    Keras sets ``callback.model`` during ``fit``; the model is saved on its
    own, and a pickled copy would need its custom objects to load.
    """

    def persistent_id(self, obj):
        return "keras.Model" if isinstance(obj, keras.Model) else None


class _CodeUnpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        if pid == "keras.Model":
            return None
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


def _dump_code(values):
    buffer = io.BytesIO()
    _CodePickler(buffer).dump(values)
    return buffer.getvalue()


def _load_code(data):
    return _CodeUnpickler(io.BytesIO(data)).load()


# -------------------------------------------------------------------- saving


def _fitted_attributes(estimator):
    """The fitted state: what pickling keeps, less the parameters and model.

    ``__getstate__`` already drops what ``__setstate__`` rebuilds (the
    predict function), so private state such as the seed drawn in ``fit``
    or the optimizer's variables is kept without being listed here.
    """
    params = estimator.get_params()
    return {
        name: value
        for name, value in estimator.__getstate__().items()
        if name not in params and name not in _NOT_ATTRIBUTES
    }


def save_estimator(estimator, path):
    """Write fitted ``estimator`` to ``path`` as one zip file, atomically.

    Parameters
    ----------
    estimator : RNNForecaster, LSTMForecaster or GRUForecaster
        A fitted forecaster.
    path : str or path-like
        The file to write. It is written to a temporary file in the same
        directory first and moved into place when complete, so a failed
        save leaves an existing file as it was.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.
    TypeError
        If ``estimator`` is not one of skrnn's forecasters, or a parameter
        can be stored neither as JSON nor with pickle.
    ValueError
        If ``path`` is a directory.
    """
    import sklearn

    import skrnn

    check_is_fitted(estimator)
    cls = type(estimator)
    if _forecaster_classes().get(cls.__name__) is not cls:
        raise TypeError(
            f"save writes only skrnn's own forecasters, not {cls.__name__}: "
            "subclasses could not be rebuilt safely by skrnn.load. Use pickle "
            "or joblib for them."
        )
    path = pathlib.Path(os.fspath(path))
    if path.is_dir():
        raise ValueError(
            f"path={str(path)!r} is a directory; pass a file path such as "
            f"{str(path / 'forecaster.skrnn')!r}."
        )
    encoder = _Encoder()
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skrnn_version": skrnn.__version__,
        "keras_version": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "sklearn_version": sklearn.__version__,
        "class": cls.__name__,
        "params": encoder.section(estimator.get_params(), "params"),
        "attributes": encoder.section(_fitted_attributes(estimator), "attrs"),
    }
    members = {JSON_MEMBER: json.dumps(document, indent=1, allow_nan=False)}
    if encoder.arrays:
        buffer = io.BytesIO()
        np.savez(buffer, **encoder.arrays)
        members[ARRAYS_MEMBER] = buffer.getvalue()
    if encoder.code:
        try:
            members[CODE_MEMBER] = _dump_code(encoder.code)
        except Exception as error:
            names = ", ".join(sorted(encoder.code))
            raise TypeError(
                f"Cannot save {cls.__name__}: {names} is neither JSON nor "
                f"picklable ({error}). Use picklable values for these "
                "parameters."
            ) from error
    members[MODEL_MEMBER] = model_to_bytes(estimator.model_)

    with atomic_outputs([path]) as (partial,), open(partial, "wb") as file:
        with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in (JSON_MEMBER, MODEL_MEMBER, ARRAYS_MEMBER, CODE_MEMBER):
                if name in members:
                    archive.writestr(name, members[name])
        file.flush()
        os.fsync(file.fileno())
    return path


# ------------------------------------------------------------------- loading


def _not_a_forecaster_file(path, reason):
    return ValueError(
        f"{path} is not a forecaster saved by skrnn ({reason}). Pass a file "
        "written by the save method of an skrnn forecaster."
    )


def _read_archive(path):
    """The JSON document of ``path`` and its members' bytes by name."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if JSON_MEMBER not in names or MODEL_MEMBER not in names:
                raise _not_a_forecaster_file(
                    path, f"a zip archive without {JSON_MEMBER} and {MODEL_MEMBER}"
                )
            members = {
                name: archive.read(name)
                for name in (JSON_MEMBER, MODEL_MEMBER, ARRAYS_MEMBER, CODE_MEMBER)
                if name in names
            }
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise _not_a_forecaster_file(
            path, f"not a complete zip archive: {error}"
        ) from error
    try:
        document = json.loads(members.pop(JSON_MEMBER))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _not_a_forecaster_file(path, f"unreadable {JSON_MEMBER}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _not_a_forecaster_file(path, f"{JSON_MEMBER} is not skrnn's")
    return document, members


def load(path, *, safe_mode=True):
    """Load a forecaster written by its ``save`` method.

    Parameters
    ----------
    path : str or path-like
        A file written by :meth:`LSTMForecaster.save` (or the same method
        of the other forecasters).
    safe_mode : bool, default=True
        Refuse files that contain Python code: a ``preprocessing`` or
        ``postprocessing`` function (a Keras ``Lambda`` layer), or parameters
        such as a custom loss or callbacks, which are stored pickled. Loading
        those runs code from the file: pass ``safe_mode=False`` only for
        files you trust.

    Returns
    -------
    estimator : RNNForecaster, LSTMForecaster or GRUForecaster
        The fitted forecaster, with the parameters and fitted attributes it
        was saved with. It predicts as the saved one did.

    Raises
    ------
    ValueError
        If ``path`` is not a complete file written by ``save``, names a class
        that is not an skrnn forecaster, was written by a newer format
        version, or (in safe mode) contains Python code.

    See Also
    --------
    LSTMForecaster.save : Write a fitted forecaster to one file.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNForecaster, load, make_windows
    >>> X, y = make_windows(np.sin(np.arange(100) / 5), window=10)
    >>> model = RNNForecaster(units=4, epochs=1, random_state=0).fit(X, y)
    >>> path = model.save(getfixture("tmp_path") / "model.skrnn")
    >>> loaded = load(path)
    >>> bool((loaded.predict(X) == model.predict(X)).all())
    True
    """
    path = pathlib.Path(os.fspath(path))
    if path.is_dir():
        raise ValueError(
            f"path={str(path)!r} is a directory; pass the file written by save."
        )
    document, members = _read_archive(path)
    version = document.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{path} has format version {version!r}, written by skrnn "
            f"{document.get('skrnn_version')}; this skrnn reads versions up to "
            f"{FORMAT_VERSION}. Upgrade skrnn to load it."
        )
    classes = _forecaster_classes()
    name = document.get("class")
    if name not in classes:
        raise ValueError(
            f"{path} holds a {name!r} estimator; skrnn.load restores only "
            f"skrnn's forecasters {sorted(classes)}."
        )
    if CODE_MEMBER in members and safe_mode:
        raise ValueError(
            _UNSAFE.format(path=path, what="pickled parameters or attributes")
        )
    code = _load_code(members[CODE_MEMBER]) if CODE_MEMBER in members else {}
    try:
        arrays = {}
        if ARRAYS_MEMBER in members:
            with np.load(io.BytesIO(members[ARRAYS_MEMBER])) as npz:
                arrays = {key: npz[key] for key in npz.files}
        decoder = _Decoder(arrays, code, safe_mode)
        params, attributes = (
            {name: decoder.decode(value) for name, value in section.items()}
            for section in (document["params"], document["attributes"])
        )
    except (AttributeError, KeyError, OSError, TypeError, ValueError) as error:
        raise _not_a_forecaster_file(path, f"damaged {JSON_MEMBER}: {error}") from error

    try:
        model = model_from_bytes(
            members[MODEL_MEMBER], safe_mode=safe_mode, custom_objects=code.values()
        )
    except ValueError as error:
        if "safe_mode" in str(error):
            raise ValueError(
                _UNSAFE.format(path=path, what="a Keras Lambda layer")
            ) from error
        raise

    estimator = classes[name](**params)
    # __setstate__ rebuilds what is not saved, such as the predict function.
    estimator.__setstate__({**vars(estimator), **attributes, "model_": model})
    return estimator
