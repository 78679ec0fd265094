"""Series on a regular time grid: one frequency per panel, gaps as NaN rows.

A panel's times (dates, periods or integers) are matched by value: each
series is laid on the grid of the panel's one frequency, from its first to
its last time, and a time missing inside a series is a gap, a NaN row.
:func:`fill_gaps` does it for users (and the command line);
:func:`skrnn._panel.as_panel` does it for windowing and forecasting.
"""

import dataclasses
import warnings
from collections import Counter

import numpy as np

# Series whose frequency pandas infers to pick a panel's: enough to outvote
# a few odd ones, few enough that a panel of 10,000 series reads fast.
_FREQ_SAMPLE = 64


def time_kind(index):
    """``"datetime"``, ``"period"`` or ``"int"`` for a time index, else None."""
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex):
        return "datetime"
    if isinstance(index, pd.PeriodIndex):
        return "period"
    if pd.api.types.is_integer_dtype(index) and not pd.api.types.is_bool_dtype(index):
        return "int"
    return None


def _infer_freq(index):
    """``pd.infer_freq`` as an offset (None if it finds none)."""
    import pandas as pd

    with warnings.catch_warnings():
        # pandas 3 warns that infer_freq will return an offset, not a string.
        warnings.simplefilter("ignore")
        try:
            freq = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def _is_tick(freq):
    """Whether ``freq`` is a fixed duration (hours, days...), not calendar."""
    import pandas as pd

    return isinstance(freq, pd.offsets.Tick)


def _refuse_irregular(label, detail):
    return ValueError(
        f"{label}: its times fit no regular frequency ({detail}). Pass the "
        "frequency of the panel, freq= (e.g. freq='D', freq='MS' or freq=1 for "
        "integer times)."
    )


def _split_points(lengths):
    """Where each series starts in the panel's times, end to end."""
    return np.cumsum(lengths) - lengths


def _same_series_diffs(ticks, lengths):
    """Differences of consecutive ``ticks`` within each series."""
    diffs = np.diff(ticks)
    keep = np.ones(len(diffs), dtype=bool)
    ends = np.cumsum(lengths)[:-1] - 1
    keep[ends[(ends >= 0) & (ends < len(diffs))]] = False
    return diffs[keep]


def panel_freq(times, lengths, freq=None):
    """The one frequency of a panel whose series' times are ``times``.

    Parameters
    ----------
    times : pandas.Index
        Every series' times (dates, periods or integers), end to end, each
        series sorted.
    lengths : ndarray of int
        The number of times of each series.
    freq : str, offset, int or None
        The frequency to check and use; inferred when None.

    Returns
    -------
    offset, int or None
        An offset for dates and periods, an int step for integers. Inferred
        by ``pd.infer_freq`` on (a sample of) the series long enough for
        it, the most common answer, else the smallest step of which all
        steps are multiples; integers: the most common step, default 1.
        None for dates when no series has two times.
    """
    import pandas as pd

    kind = time_kind(times)
    if kind == "period":
        own = times.freq
        if freq is not None and pd.tseries.frequencies.to_offset(freq) != own:
            raise ValueError(
                f"freq={freq!r} differs from the frequency {own.freqstr!r} of "
                "the periods: leave freq=None, or convert the periods with "
                ".asfreq()."
            )
        return own
    if kind == "int":
        if freq is not None:
            if not isinstance(freq, int | np.integer) or freq < 1:
                raise ValueError(
                    f"freq={freq!r}: integer times need an int step >= 1 (e.g. freq=1)."
                )
            return int(freq)
        diffs = _same_series_diffs(np.asarray(times, dtype=np.int64), lengths)
        diffs = diffs[diffs > 0]
        if not len(diffs):
            return 1
        steps, counts = np.unique(diffs, return_counts=True)
        return int(steps[np.argmax(counts)])
    if freq is not None:
        try:
            return pd.tseries.frequencies.to_offset(freq)
        except (TypeError, ValueError):
            raise ValueError(
                f"freq={freq!r} is not a pandas frequency (e.g. 'D', 'h', 'MS')."
            ) from None
    if len(lengths) == 1 and times.freq is not None:
        return times.freq
    starts = _split_points(lengths)
    long_enough = np.flatnonzero(lengths >= 3)
    # Distinct calendars only, each weighted by its series: a panel's
    # series often share one.
    firsts = times.as_unit("ns").asi8[starts]
    calendars = list(zip(firsts[long_enough].tolist(), lengths[long_enough].tolist()))
    weights = Counter(calendars)
    first_of = {}
    for calendar, i in zip(calendars, long_enough.tolist()):
        first_of.setdefault(calendar, i)
    candidates = list(first_of.items())
    if len(candidates) > _FREQ_SAMPLE:
        picks = np.linspace(0, len(candidates) - 1, _FREQ_SAMPLE).astype(int)
        candidates = [candidates[i] for i in picks]
    found = Counter()
    for calendar, i in candidates:
        inferred = _infer_freq(times[starts[i] : starts[i] + lengths[i]])
        if inferred is not None:
            found[inferred] += weights[calendar]
    if found:
        return found.most_common(1)[0][0]
    # Steps of wall-clock time, which a time zone's clock changes keep whole.
    wall = times.tz_localize(None) if times.tz is not None else times
    diffs = _same_series_diffs(wall.as_unit("ns").asi8, lengths)
    diffs = diffs[diffs > 0]
    if not len(diffs):
        return None
    step = int(diffs.min())
    calendar = _calendar_freq(times, step)
    if calendar is not None:
        return calendar
    if (diffs % step).any():
        raise ValueError(
            "The times fit no regular frequency (steps from "
            f"{pd.Timedelta(step)} to {pd.Timedelta(int(diffs.max()))}, not "
            "multiples of one step): pass the panel's frequency, freq= (e.g. "
            "freq='D' or freq='MS')."
        )
    day = 86_400 * 10**9
    if step % day == 0:
        # Calendar days, which keep their date across clock changes.
        return pd.tseries.frequencies.to_offset(f"{step // day}D")
    return pd.tseries.frequencies.to_offset(pd.Timedelta(step))


# Calendar frequencies pandas cannot infer from series with gaps: the
# shortest step (in days) they allow, and the dates' test for each anchor.
_CALENDAR = (
    (28, 31, (("MS", "is_month_start"), ("ME", "is_month_end"))),
    (90, 92, (("QS", "is_quarter_start"), ("QE", "is_quarter_end"))),
    (365, 366, (("YS", "is_year_start"), ("YE", "is_year_end"))),
)


def _calendar_freq(times, step):
    """Months, quarters or years: the calendar frequency of dates whose
    shortest step is ``step`` nanoseconds and that all start or end one."""
    import pandas as pd

    days = step / 86_400e9
    for low, high, anchors in _CALENDAR:
        if low <= days <= high:
            for freq, test in anchors:
                if getattr(times, test).all() and (times.normalize() == times).all():
                    return pd.tseries.frequencies.to_offset(freq)
    return None


@dataclasses.dataclass
class TimeGrid:
    """Where each time of a panel's series lands on its regular grid.

    Attributes
    ----------
    kind : {"datetime", "period", "int"}
    freq : offset, int or None
        The panel's frequency (an int step for integers); None when no
        series has two times.
    first : ndarray of int64
        Each series' first time, as a tick.
    positions : ndarray of int
        Each time's step from its series' first time, end to end.
    counts : ndarray of int
        Each series' number of times (given rows).
    lengths : ndarray of int
        Each series' length on the grid (its last position + 1).
    example : pandas.Index
        The times (their dtype, time zone and name).
    anchor : DatetimeIndex or None
        For a calendar frequency (months...): the dates the ticks count.
    """

    kind: str
    freq: object
    first: np.ndarray
    positions: np.ndarray
    counts: np.ndarray
    lengths: np.ndarray
    example: object
    anchor: object = None

    @property
    def has_gaps(self):
        return bool((self.counts != self.lengths).any())

    def series_positions(self):
        """Each series' positions (a list of arrays)."""
        return np.split(self.positions, np.cumsum(self.counts)[:-1])

    def rows(self):
        """Each time's row in the grid of every series, end to end."""
        offsets = np.cumsum(self.lengths) - self.lengths
        return np.repeat(offsets, self.counts) + self.positions

    def _labels(self, ticks):
        """Time labels of ``ticks`` (int64 array), in the panel's kind."""
        import pandas as pd

        example = self.example
        if self.kind == "period":
            labels = pd.PeriodIndex.from_ordinals(ticks, freq=example.freq)
            return labels.rename(example.name)
        if self.kind == "int":
            return pd.Index(ticks.astype(example.dtype), name=example.name)
        if self.anchor is not None:
            dates = self.anchor[ticks]
        else:
            dates = pd.DatetimeIndex(ticks.astype("datetime64[ns]"))
            if example.tz is not None:
                dates = dates.tz_localize("UTC").tz_convert(example.tz)
        return dates.as_unit(example.unit).rename(example.name)

    def _step(self):
        if self.kind == "datetime" and self.anchor is None:
            return self.freq.nanos if self.freq is not None else 0
        return self.freq if self.kind == "int" else 1

    def times(self):
        """Every series' grid times, end to end (one Index)."""
        total = int(self.lengths.sum())
        within = np.arange(total) - np.repeat(_split_points(self.lengths), self.lengths)
        ticks = np.repeat(self.first, self.lengths) + within * self._step()
        return self._labels(ticks)

    def future(self, steps):
        """The ``steps`` times after each series' last, series after series
        (one Index of ``n_series * steps`` labels)."""
        import pandas as pd

        if self.freq is None:
            raise ValueError(
                "Cannot infer the frequency of the times to date the "
                "forecast: pass freq= (e.g. freq='D')."
            )
        last = self.first + (self.lengths - 1) * self._step()
        if self.anchor is not None:
            # Extend the calendar far enough for every series' forecast.
            extra = pd.date_range(self.anchor[-1], periods=steps + 1, freq=self.freq)
            self.anchor = self.anchor.append(extra[1:])
        ticks = last[:, np.newaxis] + np.arange(1, steps + 1) * self._step()
        return self._labels(ticks.ravel())


def _ticks(times, kind, freq):
    """``times`` as int64 ticks that ``freq`` steps evenly (-1 off its
    calendar), and the calendar of dates they count along, if any."""
    import pandas as pd

    if kind == "period":
        return times.asi8, None
    if kind == "int":
        return np.asarray(times, dtype=np.int64), None
    if freq is None or (_is_tick(freq) and times.tz is None):
        return times.as_unit("ns").asi8, None
    # Calendar steps (months...), or days across a time zone's clock changes.
    anchor = pd.date_range(freq.rollback(times.min()), times.max(), freq=freq)
    position = anchor.searchsorted(times)
    clipped = np.minimum(position, len(anchor) - 1)
    on_grid = (position < len(anchor)) & (anchor[clipped] == times)
    return np.where(on_grid, position, -1).astype(np.int64), anchor


def time_grid(times, lengths, labels, freq=None):
    """Lay each series' times on the panel's regular grid.

    Parameters
    ----------
    times : pandas.Index
        Every series' times (dates, periods or integers), end to end, each
        series sorted.
    lengths : ndarray of int
        The number of times of each series.
    labels : callable
        ``labels(i)``: how messages name series ``i``.
    freq : str, offset, int or None
        The panel's frequency; inferred once when None.

    Returns
    -------
    TimeGrid
        Refuses a repeated time and times off the grid, naming the series.
    """
    lengths = np.asarray(lengths)
    kind = time_kind(times)
    freq = panel_freq(times, lengths, freq)
    ticks, anchor = _ticks(times, kind, freq)
    series = np.repeat(np.arange(len(lengths)), lengths)
    if anchor is not None and (ticks < 0).any():
        row = np.flatnonzero(ticks < 0)[0]
        raise _refuse_irregular(
            labels(series[row]), f"{times[row]} is not on the {freq.freqstr} grid"
        )
    first = ticks[_split_points(lengths)]
    offsets = ticks - np.repeat(first, lengths)
    if kind == "datetime" and anchor is None:
        step = freq.nanos if freq is not None else None
    else:
        step = freq if kind == "int" else 1
    if step is None:
        several = np.flatnonzero(lengths > 1)
        if len(several):
            raise _refuse_irregular(
                labels(several[0]), "no frequency could be inferred"
            )
        step = 1
    off = np.flatnonzero(offsets % step)
    if len(off):
        row = off[0]
        raise _refuse_irregular(
            labels(series[row]),
            f"{times[row]} is not a whole number of {_freq_name(freq)} after its "
            "first time",
        )
    positions = offsets // step
    repeated = np.flatnonzero((np.diff(positions) == 0) & (np.diff(series) == 0))
    if len(repeated):
        row = repeated[0] + 1
        raise ValueError(
            f"{labels(series[row])} has the time {times[row]} in more than one "
            "row: give one row per series and time step (e.g. aggregate the "
            "repeats with groupby(...).mean())."
        )
    ends = np.cumsum(lengths) - 1
    return TimeGrid(
        kind=kind,
        freq=freq,
        first=first,
        positions=positions,
        counts=lengths,
        lengths=positions[ends] + 1,
        example=times,
        anchor=anchor,
    )


def _freq_name(freq):
    return f"steps of {freq}" if isinstance(freq, int) else f"{freq.freqstr} steps"
