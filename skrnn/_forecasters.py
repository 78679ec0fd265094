"""The concrete forecasters: one recurrent cell each, everything else shared."""

from skrnn._backend import keras
from skrnn._base import BaseRecurrentForecaster
from skrnn._persistence import SaveMixin

_PARAMETERS = """
    Parameters
    ----------
    units : int or tuple of int, default=32
        Units of the recurrent layer, or of each layer of a stack, first to
        last: ``(40, 40)`` is two stacked layers of 40 units.
    bidirectional : bool, default=False
        Wrap each recurrent layer in ``keras.layers.Bidirectional``.
    dropout : float in [0, 1), default=0.0
        Dropout on the inputs of each recurrent layer.
    recurrent_dropout : float in [0, 1), default=0.0
        Dropout on the recurrent state of each recurrent layer.
    conv_filters : int or None, default=None
        If set, a causal ``Conv1D`` with this many filters (ReLU) reads the
        windows before the recurrent layers.
    kernel_size : int, default=3
        Kernel size of that ``Conv1D``.
    dense_units : tuple of int, default=()
        Hidden ``Dense`` (ReLU) layers between the recurrent stack and the
        linear output layer.
    target_lags : tuple of int, default=()
        For windows with future-known covariates: also give every step the
        target(s) this many steps before it, scaled as the model sees them
        (zeros before the window's start and in its future), so that a
        forecast step reads the same hour a day or a week before (``(24,
        168)`` for hourly data) beside the recurrent state. Each lag is at
        most the window's past steps; the window holds what they read.
    lookahead : bool, default=False
        For windows with future-known covariates: each forecast step also
        reads a backward recurrent pass over the horizon's inputs, a
        summary of what the known future holds after it (the weather later
        that day), not only what came before it.
    normalize : {{"auto", "window", "global", "last"}} or None, \
            default="auto"
        Scaling built into the model:

        - ``"window"``: subtract each window's last value and divide by the
          window's own standard deviation (per feature), and undo both on
          the outputs; the model also trains on targets scaled so. Nothing
          is learned: one model serves series of any level and scale, as in
          a panel, and shifting or scaling a series shifts or scales its
          forecasts exactly. The training loss (``history_``) is in those
          scaled units. Not with ``preprocessing`` or ``postprocessing``;
          needs every target to be an input feature;
        - ``"global"``: standardise each input feature and each output with
          their training mean and standard deviation;
        - ``"last"``: subtract each window's last observed value and add it
          back to the outputs (scaled by the typical step size), which
          handles trends and level shifts; needs one input feature or one
          target per input feature;
        - ``"auto"``: chosen from the values of the training windows (at
          most 2,000 of them, evenly spread in time), never from the
          container they come in: an array, a list, a dict and a panel's
          windows of the same data get the same mode. ``"global"`` for
          several target features; for one, ``"window"`` when one step
          scale cannot suit every window: the windows' mean absolute steps
          differ more than 6-fold between the 10% smallest and the 10%
          largest (a panel of series of different sizes), or the values
          are never negative and fall to within 1% of their highest
          (counts such as sunspots, whose steps follow their level); else
          ``"last"``, more accurate on a series of steady scale (see the
          defaults page). ``"last"`` with ``preprocessing`` or
          ``postprocessing``, and with a ``target_transform`` (in log
          space a series' scale is a shift, which ``"last"`` removes;
          ahead of ``"window"`` on four of five seasonal panels);
        - ``None``: no scaling, as in a plain Keras model.
    output_scale : float, default=1.0
        Multiply the output layer's values by this, like the course's
        ``Lambda(lambda x: x * 100.0)``. Applied before the output
        unscaling of ``normalize``.
    target_transform : {{"log", "log1p", "auto"}} or None, default=None
        Learn the series in log space: the windows and targets are
        transformed (in float64, before ``normalize``) and every output,
        including the values a forecast feeds back, is transformed back, so
        ``predict``, ``forecast`` and its intervals, ``save`` and pickling
        all speak the series' units. A panel of business series whose
        swings grow with their level is learned better so (see the
        defaults page). ``"log"`` needs positive values, ``"log1p"`` values
        of at least 0; ``"auto"`` takes ``"log"`` when every value of the
        training windows and targets is positive, ``"log1p"`` when none is
        negative, else None. Every feature of the windows is transformed;
        not for windows with covariates, nor with ``bounds`` (a log
        forecast is positive already).
    combine : {{"holt-winters", "theta", "auto"}} or None, default=None
        Return the mean of the network's forecast and a statistical
        method's forecast of the same history: ``forecast`` fits the method
        to each series it is given and averages. The network learns what a
        panel's series share; the method follows each series' own level
        and trend, which a global network cannot see.
        ``"holt-winters"`` is damped additive Holt-Winters with
        ``season_length`` (damped Holt for 1), whose seasonal states start
        at 0: it picks up the season that
        :class:`~skrnn.SeasonalAdjuster` leaves. ``"theta"`` is the theta
        method (simple exponential smoothing plus half the series' linear
        trend, which won the M3 competition), without a season. With the
        seasonal recipe, ``"holt-winters"`` was ahead of ``"theta"`` and of
        the network alone on every validation panel of the study (the
        defaults page, "Fourth round"); both are far behind the network
        alone on a series with a cycle (sunspots).
        ``"auto"`` chooses at each ``forecast`` among the network alone,
        its mean with either method and either method alone: the one
        whose forecasts from the histories' calibration origins (their
        last ``validation_fraction``, where the truth is known) miss by
        the least, in units of each window's scale; the network alone for
        histories too short to give 50 such forecasts. It paid most on
        small panels, where a global network has little to learn from,
        and chose wrongly on some (the defaults page, "Fourth round").
        ``predict`` stays the network's; ``forecast``'s intervals are
        calibrated on the combined forecasts' errors. For windows of one
        feature without covariates.
    season_length : int, default=1
        Time steps per season of ``combine="holt-winters"`` (12 for monthly
        series, 4 for quarterly); not used otherwise.
    preprocessing : callable or None, default=None
        ``f(windows) -> windows`` applied as a ``keras.layers.Lambda`` to the
        input windows, before any scaling. Use ``keras.ops`` inside.
    postprocessing : callable or None, default=None
        ``f(outputs) -> outputs`` applied as a ``keras.layers.Lambda`` to the
        model's outputs, last.
    bounds : tuple of (float or None, float or None) or None, default=None
        Physical limits ``(low, high)`` of the series, ``None`` for an open
        side: ``bounds=(0, None)`` for counts. ``predict``,
        ``predict_interval`` and ``forecast`` (also the values it feeds
        back) clip to them; training does not, as a clipped output has no
        gradient to learn from. Change it after ``fit`` with ``set_params``.
    loss : str, keras.losses.Loss or callable, default="huber"
        Training loss. Names: ``"huber"``, ``"mse"``, ``"mae"``,
        ``"log_cosh"``, ... Options are routed: ``loss__delta=2.0``.
    optimizer : str, keras.optimizers.Optimizer or its class, default="adam"
        Optimizer. Options are routed: ``optimizer__momentum=0.9``. An
        instance is copied for each fit, never reused.
    learning_rate : float or None, default=None
        Learning rate of the optimizer. ``None`` takes, with the default
        Adam, the rate measured best for the cell on the course's series
        (0.003 for LSTM and GRU, 0.001 for SimpleRNN; see the
        benchmarks), and otherwise the optimizer's own default.
        ``optimizer__learning_rate`` takes precedence.
    metrics : list or None, default=None
        Keras metrics recorded in ``history_`` (e.g. ``["mae"]``).
    batch_size : int, default=32
        Windows per gradient step.
    epochs : int, default=100
        Maximum number of passes over the training windows.
    max_windows : int or None, default=None
        Train on at most this many windows: when more remain after the
        validation tail is held out, a random subset of them, drawn with
        ``random_state`` and the same in every epoch, is trained on (the
        validation tail stays whole). Each epoch costs less, but the fit
        needs more of them and can be less accurate: on Victoria's demand
        with covariates (13,849 windows of 168 steps), ``max_windows=5000``
        ran 48 epochs instead of 21, in about the same time, with a test
        MAE of 209 MW instead of 185 (see the defaults page). ``None``
        trains on every window.
    validation_fraction : float in [0, 1) or splitter, default=0.1
        Fraction of the windows, taken from the end (the most recent ones,
        never shuffled into training), held out to monitor training and to
        stop early. ``0`` (or too few windows) monitors the training loss.
        A scikit-learn splitter instead (such as ``TimeSeriesSplit()``)
        holds out the test rows of its last split, given the complete
        windows in time order (and a panel's series keys as ``groups``).
        Calibrating ``forecast`` intervals needs a float.
    early_stopping : bool, default=True
        Stop when the monitored loss has not improved for ``patience``
        epochs and restore the weights of the best epoch.
    patience : int, default=10
        Epochs without improvement before stopping early.
    shuffle : bool, default=True
        Shuffle the training windows (not the validation tail) each epoch.
    jit_compile : "auto" or bool, default="auto"
        Compile the training step with XLA. ``"auto"`` does on JAX, never
        on PyTorch, and on TensorFlow when a fit may run 500 steps
        (batches x ``epochs``) or more: XLA takes a few seconds to compile,
        then saves 1-3 ms a step. Keras falls back to no XLA, with a
        warning, for a model that XLA cannot compile. On JAX, ``False``
        runs every step op by op, without compiling: only for debugging,
        as it is ~100 times slower.
    steps_per_execution : "auto" or int, default="auto"
        Training steps per compiled call; more steps mean fewer round trips
        from Python. ``"auto"`` takes 32, or the number of batches in an
        epoch if fewer (1 on PyTorch, which supports nothing else).
    missing : {{"skip", "raise"}}, default="skip"
        What ``fit`` does with windows or targets that contain NaN: skip
        them (``n_samples_skipped_`` counts them) or raise a ``ValueError``.
        ``predict`` returns NaN for windows with NaN either way.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for training.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, dropout and shuffling: the same int gives the same
        predictions, in any process. ``None`` gives a different fit each time.
    verbose : int, default=0
        Keras progress output: 0 silent, 1 progress bar, 2 one line per epoch.
    **routed_params : dict
        scikeras-style routed parameters: ``optimizer__*``, ``loss__*``,
        ``metrics__*``, ``callbacks__*``, ``compile__*`` (for
        ``Model.compile``) and ``fit__*`` (for ``Model.fit``).

    Attributes
    ----------
    model_ : keras.Model
        The trained Keras model, scaling layers included: it maps windows to
        flattened predictions on its own.
    history_ : dict of str to list of float
        Loss (and metrics) per epoch, with ``val_`` entries when a
        validation tail was used.
    n_iter_ : int
        Number of epochs trained.
    normalize_ : {{"window", "global", "last"}} or None
        The normalisation used (``"auto"`` resolved).
    target_transform_ : {{"log", "log1p"}} or None
        The target transform used (``"auto"`` resolved).
    n_features_in_ : int
        ``X.shape[1]`` for 2-D ``X``; the feature axis ``X.shape[2]`` for
        3-D ``X``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of a 2-D DataFrame ``X``, if they are all strings.
    input_shape_ : tuple of int
        ``(timesteps, n_features)`` of the windows the model reads.
    target_shape_ : tuple of int
        Shape of one target row: ``()`` for 1-D ``y``.
    n_outputs_ : int
        Number of values predicted per window.
    validation_residuals_ : ndarray of shape (n_validation, n_outputs)
        Errors (target minus prediction) on the validation tail, which
        calibrate :meth:`predict_interval`.
    validation_scales_ : ndarray of shape (n_validation, n_outputs)
        The spread of each validation window (of the feature behind each
        output), by which those errors are divided when they calibrate.
    target_features_ : ndarray of int of shape (n_targets,)
        The input feature whose next value each target column is, read off
        consecutive training windows (``y[i]`` reappears at the end of
        ``X[i + 1]``); -1 where none is, or where no two windows follow each
        other. ``forecast`` feeds each output back into its feature, so it
        needs every feature exactly once. Univariate windows give 0.
    n_samples_skipped_ : int
        Samples skipped in the last fit because of NaN.
"""


class RNNForecaster(SaveMixin, BaseRecurrentForecaster):
    __doc__ = (
        """Forecast time series with stacked ``SimpleRNN`` layers.

    A scikit-learn regressor around a Keras model: recurrent layers read the
    windows, a ``Dense`` layer predicts the next value(s), and the scaling
    is built into the model.
"""
        + _PARAMETERS.format()
        + """
    See Also
    --------
    LSTMForecaster : Long short-term memory cells.
    GRUForecaster : Gated recurrent units.

    Examples
    --------
    The course's SimpleRNN, two layers of 40 units with the output scaled
    by 100, trained with Huber loss and SGD with momentum:

    >>> import numpy as np
    >>> from skrnn import RNNForecaster, make_windows
    >>> series = np.sin(np.arange(300) / 10)
    >>> X, y = make_windows(series, window=20)
    >>> model = RNNForecaster(
    ...     units=(40, 40), normalize=None, output_scale=100.0,
    ...     optimizer="sgd", learning_rate=1e-5, optimizer__momentum=0.9,
    ...     epochs=2, random_state=0,
    ... ).fit(X, y)
    >>> model.predict(X[:3]).shape
    (3,)
    """
    )

    _cell = keras.layers.SimpleRNN
    _adam_learning_rate = 0.001


class LSTMForecaster(SaveMixin, BaseRecurrentForecaster):
    __doc__ = (
        """Forecast time series with stacked ``LSTM`` layers.

    A scikit-learn regressor around a Keras model: long short-term memory
    layers read the windows, a ``Dense`` layer predicts the next value(s),
    and the scaling is built into the model.
"""
        + _PARAMETERS.format()
        + """
    See Also
    --------
    RNNForecaster : Simple recurrent cells.
    GRUForecaster : Gated recurrent units.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import LSTMForecaster, make_windows
    >>> series = np.sin(np.arange(300) / 10)
    >>> X, y = make_windows(series, window=20)
    >>> model = LSTMForecaster(units=16, epochs=20, random_state=0).fit(X, y)
    >>> error = np.abs(model.predict(X) - y).mean()
    >>> naive = np.abs(X[:, -1, 0] - y).mean()
    >>> bool(error < naive)
    True
    """
    )

    _cell = keras.layers.LSTM
    _adam_learning_rate = 0.003


class GRUForecaster(SaveMixin, BaseRecurrentForecaster):
    __doc__ = (
        """Forecast time series with stacked ``GRU`` layers.

    A scikit-learn regressor around a Keras model: gated recurrent units
    read the windows, a ``Dense`` layer predicts the next value(s), and the
    scaling is built into the model.
"""
        + _PARAMETERS.format()
        + """
    See Also
    --------
    RNNForecaster : Simple recurrent cells.
    LSTMForecaster : Long short-term memory cells.

    Examples
    --------
    A bidirectional GRU predicting the next 3 steps of a series:

    >>> import numpy as np
    >>> from skrnn import GRUForecaster, make_windows
    >>> series = np.sin(np.arange(300) / 10)
    >>> X, y = make_windows(series, window=20, horizon=3)
    >>> model = GRUForecaster(bidirectional=True, epochs=2, random_state=0)
    >>> model.fit(X, y).predict(X[:2]).shape
    (2, 3)
    """
    )

    _cell = keras.layers.GRU
    _adam_learning_rate = 0.003
