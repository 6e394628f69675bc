def test_bench_view_is_not_served_without_its_environment_variable(db, client, monkeypatch):
    monkeypatch.delenv("VAERESTED_BENCH_VIEWS", raising=False)
    assert client.get("/bench/plain/").status_code == 404
