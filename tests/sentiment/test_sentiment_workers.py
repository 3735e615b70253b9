"""A tokenizer registered in a script trains LeastSquaresSentiment in loky workers."""


def test_runtime_tokenizer_in_parallel_cross_validation(run_python):
    out = run_python(
        """
        from sklearn.model_selection import cross_val_score
        from sklearn_mathdl import LeastSquaresSentiment
        from sklearn_mathdl.plugins import register_tokenizer


        class LowerSplit:
            def __call__(self, text):
                return text.lower().split()


        register_tokenizer("lower_split")(LowerSplit())
        texts = ["good fun", "bad dull", "fun and good", "dull and bad"] * 30
        y = [1.0, -1.0, 1.0, -1.0] * 30
        model = LeastSquaresSentiment(alpha=0.1, tokenizer="lower_split")
        print(cross_val_score(model, texts, y, cv=3, n_jobs=2).mean())
        """
    )
    assert float(out) > 0.9
