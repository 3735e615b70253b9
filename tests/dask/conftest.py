"""One real multi-process Dask cluster for the whole suite (the ``dask`` extra)."""

import pytest


@pytest.fixture(scope="session")
def dask_client():
    """A ``Client`` of a ``LocalCluster`` of 2 single-threaded worker processes.

    Started on first use and shared by every test that asks for it; closed
    at the end of the session.
    """
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        with Client(cluster) as client:
            yield client
