"""Every ``fit`` and ``partial_fit`` as one transaction.

An estimator is its ``__dict__``: its parameters and, once fitted, its fitted
attributes. :func:`fit_transaction` records that dictionary before the method
runs and puts it back, exactly, if the method raises anything at all
(``KeyboardInterrupt`` included). On success the new attributes are the
commit; on failure the pickle bytes of the estimator are the ones it had
before the call.

Recording is cheap because fitting *rebinds* attributes (``self.coef_ = ...``)
instead of writing into the old objects: a shallow copy of ``__dict__`` keeps
the old objects alive and untouched. The few attributes that an estimator does
update in place (an MLP's weights and optimizer moments during
``partial_fit``, a running sum of sufficient statistics) are named in the
class attribute ``_mutated_in_place`` and deep-copied, sharing one memo so
that objects referring to each other still do after a rollback. A random
state object passed as a parameter is the user's and is consumed by fitting;
its position is recorded and rewound too.

The policy for Ctrl-C is the same for every estimator: the interrupted call
is undone, the estimator is the model it was before the call (fitted or not)
and the ``KeyboardInterrupt`` propagates to the caller.
"""

import copy
import functools

import numpy as np

__all__ = ["fit_transaction"]


def _random_states(state):
    """The random-state objects among an estimator's attributes, with their
    current positions."""
    positions = {}
    for name, value in state.items():
        if isinstance(value, np.random.RandomState):
            positions[name] = value.get_state(legacy=False)
        elif isinstance(value, np.random.Generator):
            positions[name] = value.bit_generator.state
    return positions


def _rewind(state, positions):
    for name, position in positions.items():
        value = state[name]
        if isinstance(value, np.random.RandomState):
            value.set_state(position)
        else:
            value.bit_generator.state = position


def snapshot(estimator):
    """Record what :func:`rollback` needs to restore ``estimator`` exactly."""
    state = estimator.__dict__
    in_place = getattr(estimator, "_mutated_in_place", ())
    memo = {}
    copies = {
        name: copy.deepcopy(state[name], memo) for name in in_place if name in state
    }
    return dict(state), copies, _random_states(state)


def rollback(estimator, record):
    """Put ``estimator`` back as :func:`snapshot` found it."""
    saved, copies, positions = record
    saved = {**saved, **copies}
    estimator.__dict__.clear()
    estimator.__dict__.update(saved)
    _rewind(saved, positions)


def fit_transaction(method):
    """Make ``method`` (a ``fit`` or ``partial_fit``) all-or-nothing.

    Parameters
    ----------
    method : callable
        A method of an estimator that updates the estimator's attributes.

    Returns
    -------
    wrapped : callable
        The method, which on any exception (``KeyboardInterrupt`` included)
        restores the estimator's attributes as they were before the call and
        re-raises.
    """

    @functools.wraps(method)
    def transactional(estimator, *args, **kwargs):
        record = snapshot(estimator)
        try:
            return method(estimator, *args, **kwargs)
        except BaseException:
            rollback(estimator, record)
            raise

    return transactional
