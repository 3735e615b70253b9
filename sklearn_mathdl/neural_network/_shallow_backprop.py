r"""Backpropagation for the shallow approximator: one function, one network.

:func:`fit_backprop` trains every weight of a one-hidden-layer
:class:`~sklearn_mathdl.neural_network._network.DenseNetwork` in place, on

.. math::

    \frac{1}{2}\sum_i \omega_i \|y_i - G(x_i)\|^2
    + \frac{\alpha}{2 \sum_i s_i} \big(\|W_1\|^2 + \|W_2\|^2\big),
    \qquad \omega_i = s_i / \textstyle\sum_j s_j ,

by the package's shared training machinery (the MLPs'), started from the
network's current weights. Ctrl-C follows the package's policy: the
``KeyboardInterrupt`` propagates (the estimator's transaction then undoes the
whole fit).
"""

import warnings

from sklearn_mathdl.neural_network._multilayer_perceptron import MLPRegressor

_INTERRUPTED = "Training interrupted by user"


def fit_backprop(
    network,
    X,
    Y,
    sample_weight,
    *,
    solver,
    alpha,
    max_iter,
    tol,
    learning_rate_init,
    batch_size,
    random_state,
    verbose,
):
    """Train ``network`` (layers ``(d, n, m)``, identity output) in place.

    Parameters
    ----------
    network : DenseNetwork
        The starting weights; trained in place.
    X : {ndarray, sparse matrix} of shape (n_samples, d)
    Y : ndarray of shape (n_samples, m)
    sample_weight : ndarray of shape (n_samples,)
    solver, alpha, max_iter, tol, learning_rate_init, batch_size, random_state, verbose
        As in :class:`~sklearn_mathdl.neural_network.MLPRegressor`; a capped
        iteration count is the caller's choice, so no ConvergenceWarning.

    Returns
    -------
    n_iter : int
        Iterations (L-BFGS) or epochs run.
    loss_curve : list of float
    """
    trainer = MLPRegressor(
        hidden_layer_sizes=(network.layer_sizes[1],),
        activation=network.activations[0],
        solver=solver,
        alpha=alpha,
        batch_size=batch_size,
        learning_rate_init=learning_rate_init,
        max_iter=max_iter,
        tol=tol,
        random_state=random_state,
        verbose=verbose,
        dtype="float64",
        warm_start=True,  # trains the weights assigned below
    )
    trainer.coefs_ = network.coefs
    trainer.intercepts_ = network.intercepts
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("ignore", message=".*(converge|maximum iter).*")
        warnings.filterwarnings("always", message=_INTERRUPTED)
        trainer.fit(X, Y[:, 0] if Y.shape[1] == 1 else Y, sample_weight=sample_weight)
    if any(str(w.message).startswith(_INTERRUPTED) for w in caught):
        raise KeyboardInterrupt(_INTERRUPTED)
    # One warning per cause: the machinery may repeat one (once per call).
    unique = {(w.category, str(w.message)): w for w in reversed(caught)}
    for warning in reversed(unique.values()):
        warnings.warn_explicit(
            warning.message, warning.category, warning.filename, warning.lineno
        )
    network.params[...] = trainer.network_.params
    return trainer.n_iter_, list(trainer.loss_curve_)
