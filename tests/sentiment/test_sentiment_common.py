"""scikit-learn's estimator checks on LeastSquaresSentiment with count-matrix input."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_mathdl import LeastSquaresSentiment

CONFIGURATIONS = [
    # tol far below the checks' rtol (1e-7): CG to machine precision.
    LeastSquaresSentiment(tol=1e-12),
    LeastSquaresSentiment(0.1, fit_intercept=False, solver="cg", tol=1e-12),
]


@parametrize_with_checks(CONFIGURATIONS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
