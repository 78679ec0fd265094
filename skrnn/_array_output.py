"""Output handling shared by the transformers that return 3-D arrays."""


class ArrayOutputMixin:
    """Accept ``set_output`` so Pipelines can configure it; return arrays.

    pandas and polars have no 3-D container, so a transformer whose output
    is ``(n_samples, timesteps, features)`` keeps returning a numpy array.
    Classes using this mixin pass ``auto_wrap_output_keys=None`` to
    :class:`~sklearn.base.TransformerMixin` so scikit-learn does not try to
    wrap that array either.
    """

    def set_output(self, *, transform=None):
        """Accept a Pipeline's output setting; the 3-D output stays an array.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            Ignored: pandas and polars have no 3-D container.

        Returns
        -------
        self : estimator instance
            The transformer, unchanged.
        """
        return self
