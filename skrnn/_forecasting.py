"""``forecast`` and ``predict_interval``: the forecasters' methods beyond
predicting windows, for one series or every series of a panel at once."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skrnn._bounds import check_bounds, clip
from skrnn._calibration import (
    CalibrationMixin,
    check_residuals,
    conformal_width,
    window_scales,
)
from skrnn._combine import check_combine, combine
from skrnn._covariate_forecast import extend, read_covariate_histories, read_future
from skrnn._forecast import check_coverage, check_steps, feedback_model
from skrnn._histories import read_histories
from skrnn._inference import PREDICT_BATCH_SIZE, make_rollout_function
from skrnn._scaling import window_location_scale
from skrnn._target_layout import forecast_order, output_features


class ForecastMixin(CalibrationMixin):
    """``forecast`` and ``predict_interval`` of a fitted window forecaster.

    The class using it provides ``model_``, ``input_shape_``,
    ``n_outputs_``, ``target_shape_``, ``validation_residuals_``,
    ``validation_scales_``, ``predict``, ``_predict_windows``,
    ``_window_scaling`` and ``_target_features``.
    """

    def predict_interval(self, X, coverage=0.9):
        """Predict with split-conformal prediction intervals.

        Each window's interval is its prediction plus or minus a multiple
        of the window's own spread (the standard deviation of its values of
        the target's feature): the ``coverage`` quantile of the absolute
        errors, divided by that spread, on the validation tail held out in
        ``fit`` (``validation_residuals_`` and ``validation_scales_``):
        windows the model never trained on, the most recent ones. Scaled
        so, one calibration serves every series of a panel, however their
        scales differ; on data that behave like that tail, the interval
        holds the truth with probability ``coverage``.

        Parameters
        ----------
        X : array-like of shape (n_samples, timesteps, n_features) or \
                (n_samples, timesteps)
            Input windows shaped as in :meth:`fit`.
        coverage : float in (0, 1), default=0.9
            Probability that an interval holds the true value.

        Returns
        -------
        y_interval : ndarray of shape (n_samples, \\*target_shape_, 2)
            Lower (``[..., 0]``) and upper (``[..., 1]``) bounds.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn import GRUForecaster, make_windows
        >>> series = np.sin(np.arange(300) / 10)
        >>> X, y = make_windows(series, window=20)
        >>> model = GRUForecaster(units=8, epochs=2, random_state=0).fit(X, y)
        >>> bounds = model.predict_interval(X[-3:], coverage=0.9)
        >>> bounds.shape
        (3, 2)
        >>> bool(np.all(bounds[:, 0] <= bounds[:, 1]))
        True
        """
        check_is_fitted(self)
        coverage = check_coverage(coverage)
        residuals = self.validation_residuals_
        if not len(residuals):
            raise ValueError(
                "predict_interval calibrates on the validation tail, but this "
                "forecaster was fitted without one: refit with "
                "validation_fraction > 0 (e.g. 0.1)."
            )
        check_residuals(len(residuals), coverage)
        scales = getattr(self, "validation_scales_", np.ones_like(residuals))
        multiple = conformal_width(np.abs(residuals) / scales, coverage)
        y_pred = np.asarray(self.predict(X)).reshape(len(X), -1)
        windows = self._validated_windows(X)
        width = multiple * self._output_scales(windows)
        y_interval = np.stack([y_pred - width, y_pred + width], axis=-1)
        y_interval = clip(y_interval, check_bounds(self.bounds))
        return y_interval.reshape(len(X), *self.target_shape_, 2)

    def forecast(
        self,
        history,
        steps,
        *,
        coverage=None,
        future=None,
        static=None,
        id_col=None,
        time_col=None,
        pad="auto",
        freq=None,
    ):
        """Forecast the ``steps`` values that follow ``history``: one series,
        or every series of a panel at once.

        The model starts from the last window of each series and feeds its
        forecasts back in (recursively, or a horizon at a time for a model
        fitted on a horizon), all in one compiled loop that takes the series
        of a panel together, in batches. The targets must be the next
        value(s) of every feature of the windows, in any order
        (``target_features_``): the default of :func:`~skrnn.make_windows`
        for a univariate series, ``target=`` every column for a
        multivariate one; other models raise a ``ValueError``.

        Parameters
        ----------
        history : array-like of shape (n,) or (n, n_features), pandas \
                Series or DataFrame, or a panel
            The observed series, oldest first. A pandas history with a date,
            period or numeric index out of order is sorted, with a warning;
            one that repeats a time is refused. A panel is given as for
            :func:`~skrnn.make_windows`: a list or dict of such series, or
            a long DataFrame with ``id_col`` (and ``time_col``).
        steps : int
            Number of values to forecast.
        coverage : float in (0, 1), default=None
            Also return intervals holding the future values with this
            probability. They are split-conformal per lead time: the model
            forecasts from the last origins of each series
            (``validation_fraction * len(series)`` of them, but at least
            50 and at most about 1,000 in all, shared by the series of a
            panel), and the ``coverage`` quantile of its absolute errors
            ``h`` steps ahead, each divided by the spread of its window,
            times the spread of a series' last window is its half-width at
            lead ``h`` (or the widest of the earlier leads'). The errors of
            all the series of a panel calibrate together; those from flat
            windows (a constant stretch) apart from the others, so that a
            constant series' interval is as narrow as its errors.
        future : array-like, pandas object or a panel of them, default=None
            For a model fitted with future-known covariates
            (``make_windows(..., future=[...])``): their values for the
            ``steps`` forecast steps, in the container of ``history``: an
            array ``(steps, n_future)`` or a DataFrame with those columns
            (indexed by the forecast's times when ``history`` has times:
            rows are matched to them by value, and a missing or repeated
            time is refused) for one series; a list or dict of them for a panel,
            or a long DataFrame with ``id_col`` (and ``time_col``). The
            model forecasts a horizon at a time, so past ``steps`` the
            future values of the last horizon are the last row's repeated.
        static : DataFrame, default=None
            For a model fitted with a table of static covariates
            (``make_windows(..., static=table)``): the table again, one row
            per series. Static columns of ``history`` need none.
        id_col, time_col : hashable, default=None
            For a long DataFrame ``history``: the column naming each row's
            series and the one that orders its rows; the forecast is a long
            DataFrame with the same columns.
        pad : "auto" or bool, default="auto"
            What to do with a series shorter than the window: ``True`` pads
            its head with its first value (the model then reads a constant
            start); ``False`` raises a ``ValueError``. ``"auto"`` pads the
            series of a panel, with a warning saying how many, and refuses a
            single series.
        freq : str, offset, int or None, default=None
            The frequency of a panel's times, which dates every series'
            forecast (e.g. ``"D"``, ``"MS"``, or an int step for integer
            times). By default inferred once for the panel, from the series
            that allow it; a time missing inside a series is a gap (NaN).

        Returns
        -------
        y_forecast : ndarray, pandas Series or DataFrame, or a panel of them
            For one numpy series, the forecast of shape ``(steps,)`` or
            ``(steps, n_features)``, and with ``coverage`` a tuple
            ``(y_forecast, y_interval)`` where ``y_interval`` adds a last
            axis of 2 (lower, upper). For pandas input, a Series (or a
            DataFrame for several features, in ``history``'s column order)
            whose index continues ``history``'s at its frequency, or at the
            step of an evenly spaced numeric index; with ``coverage``, a
            DataFrame with columns ``name``, ``name_lower`` and
            ``name_upper`` per feature. A panel gives the same container
            back: a list of forecasts for a list, a dict with the same keys
            for a dict, and for a long DataFrame a long DataFrame with
            ``id_col``, ``time_col`` (each series' times continued at the
            panel's frequency; a ``step`` column 1, 2, ... without
            ``time_col``) and the forecast columns. Values and bounds are
            clipped to ``bounds``.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn import GRUForecaster, make_windows
        >>> series = np.sin(np.arange(300) / 10)
        >>> X, y = make_windows(series, window=20)
        >>> model = GRUForecaster(units=8, epochs=2, random_state=0).fit(X, y)
        >>> model.forecast(series, steps=5).shape
        (5,)
        >>> y_pred, y_interval = model.forecast(series, steps=5, coverage=0.9)
        >>> y_interval.shape
        (5, 2)

        A panel of two series, forecast in one call:

        >>> panel = {"small": series, "large": 1000 * series + 5000}
        >>> forecasts = model.forecast(panel, steps=5)
        >>> sorted(forecasts), forecasts["large"].shape
        (['large', 'small'], (5,))
        """
        check_is_fitted(self)
        steps = check_steps(steps)
        if coverage is not None:
            coverage = check_coverage(coverage)
        layout = self._layout()
        check_combine(getattr(self, "combine", None), self.input_shape_[-1], layout)
        if layout is None:
            if future is not None or static is not None:
                raise ValueError(
                    "future= and static= give covariates, but the model was "
                    "fitted without any: cut its windows with make_windows(..., "
                    "future=..., static=...) to use them."
                )
            timesteps, n_features = self.input_shape_
            histories = read_histories(
                history,
                n_features,
                timesteps,
                id_col=id_col,
                time_col=time_col,
                pad=pad,
                freq=freq,
            )
            # Refuse what cannot be forecast or dated before any backend work.
            order = forecast_order(
                self._target_features(), n_features, histories.named_features()
            )
            dates = histories.future_indexes(steps)
            windows, ahead = histories.last_windows(timesteps), None
        else:
            histories, dates, windows, ahead = self._covariate_start(
                history, steps, future, static, id_col, time_col, pad, freq
            )
            order = np.arange(len(layout.targets))
        if coverage is not None:
            origins, _ = self._calibration_origins(
                histories.values, windows, steps, coverage
            )
        y_pred = self._roll_out(windows, steps, order, ahead)
        bounds = check_bounds(self.bounds)
        # (method, weight on its forecast); combine=None: fitted before it.
        choice = (getattr(self, "combine", None), 0.5)
        if choice[0] == "auto":
            choice = self._chosen_combination(histories.values, windows, steps, order)
        method, weight = choice
        if method is not None:
            season_length = getattr(self, "season_length", 1)
            y_pred = combine(y_pred, histories.values, method, season_length, weight)
            y_pred = clip(y_pred, bounds)
        interval = None
        if coverage is not None:
            widths = self._calibrated_widths(
                histories.values, origins, steps, coverage, order, choice
            )
            scale, flat = window_scales(self._target_past(windows))
            width = np.where(flat[:, None], widths[1], widths[0]) * scale[:, None]
            interval = clip(np.stack([y_pred - width, y_pred + width], -1), bounds)
        return histories.wrap(y_pred, interval, dates)

    def _covariate_start(
        self, history, steps, future, static, id_col, time_col, pad, freq
    ):
        """The histories, forecast dates, first windows and the steps after
        them (future-known values filled in) of a covariate model's
        forecast, each refused before any backend work if it cannot be."""
        layout = self._layout()
        chunk = self.n_outputs_ // len(layout.targets)
        if layout.past and steps > chunk:
            raise ValueError(
                f"The model reads the past covariates "
                f"{layout.names_of(layout.past)}, which are not known after the "
                f"forecast origin, so it forecasts at most its horizon of {chunk} "
                f"steps, not {steps}. Forecast {chunk} steps, or make them "
                "future-known covariates (make_windows(..., future=[...])) or "
                "targets."
            )
        histories = read_covariate_histories(
            history,
            layout,
            id_col=id_col,
            time_col=time_col,
            pad=pad,
            static=static,
            freq=freq,
        )
        dates = histories.future_indexes(steps)
        n_steps = -(-steps // chunk) * chunk
        future_values = read_future(
            future, histories, layout, steps, dates, id_col=id_col, time_col=time_col
        )
        segments = extend(histories, layout, future_values, n_steps)
        return (
            histories,
            dates,
            segments[:, : layout.length],
            segments[:, layout.length :],
        )

    def _window_steps(self):
        """``(past, length, targets)``: the past steps of a window, its
        steps, and the features forecast (for a model without covariates,
        every feature, in order)."""
        layout = self._layout()
        if layout is None:
            timesteps, n_features = self.input_shape_
            return timesteps, timesteps, np.arange(n_features)
        return layout.window, layout.length, np.array(layout.targets)

    def _target_past(self, windows):
        """The past steps of the forecast features of ``windows``: what
        scales their errors."""
        past, _, targets = self._window_steps()
        return windows[:, :past][:, :, targets]

    def _roll_out(self, windows, steps, order, ahead=None):
        """Forecasts ``(n, steps, n_targets)`` from float64 ``windows`` (and,
        for a model with covariates, ``ahead``: the steps after them, their
        future-known values filled in).

        With ``normalize="window"`` (and no ``bounds`` to apply inside the
        loop) the loop runs on the windows scaled in float64, and its
        forecasts are scaled back: the model's own scaling leaves them as
        they are, and the precision of a series far from zero is kept.
        """
        chunk = self.n_outputs_ // len(order)
        rollout = self._rollout_function(chunk, order)
        n_chunks = -(-steps // chunk)
        scaling = self._window_scaling()
        if scaling is None or self.bounds is not None:
            return rollout(windows.astype(np.float32), n_chunks, ahead)[:, :steps]
        scaled, statistics = scaling.windows(windows)
        forecasts = rollout(scaled, n_chunks, ahead)[:, :steps]
        return scaling.features(forecasts, statistics)

    def _rollout_function(self, chunk, order):
        """The compiled forecast loop: outputs reordered to feature order
        and clipped to ``bounds`` before they are fed back."""
        bounds = check_bounds(self.bounds)
        key = (chunk, tuple(order), bounds)
        if getattr(self, "_rollout", (None, None))[0] != key:
            model = feedback_model(self.model_, chunk, order, bounds)
            past, targets = None, None
            if self._layout() is not None:
                past, _, targets = self._window_steps()
            rollout = make_rollout_function(
                model, chunk, key=self._loop_key(order), past=past, targets=targets
            )
            self._rollout = (key, rollout)
        return self._rollout[1]

    def _loop_key(self, order):
        """What makes two models' forecast loops interchangeable: models of
        one architecture, feedback order and bounds share a compiled loop."""
        bounds = check_bounds(self.bounds)
        return (self._trainer_key(compile_settings=None), tuple(order), bounds)

    def _start_forecast_loop(self):
        """Start compiling the forecast loop (in the background, on
        TensorFlow), so that the first forecast after ``fit`` finds it
        ready; nothing for a model that cannot forecast."""
        layout = self._layout()
        if layout is not None:
            order = np.arange(len(layout.targets))
        else:
            try:
                order = forecast_order(self._target_features(), self.input_shape_[1])
            except ValueError:
                return
        self._rollout_function(self.n_outputs_ // len(order), order)

    def _output_scales(self, windows):
        """The spread of each window's feature behind each output
        ``(n, n_outputs)``: what scales the errors intervals are made of."""
        features = output_features(self._target_features(), self.n_outputs_)
        features = np.where(features >= 0, features, 0)
        scales = np.empty((len(windows), self.n_outputs_))
        for start in range(0, len(windows), PREDICT_BATCH_SIZE):
            chunk = slice(start, start + PREDICT_BATCH_SIZE)
            batch = np.asarray(windows[chunk], dtype=np.float64)
            scales[chunk] = window_location_scale(batch)[1][:, features]
        return scales
