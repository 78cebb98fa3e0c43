"""Text similarity of what a business says it does to what an opportunity asks for (TF-IDF cosine).

The inverse document frequencies are learnt from the network's businesses'
descriptions only, never from the opportunities, and kept (``TextWeights``): every
run until the next re-learning weighs words alike, so rematching one opportunity or
one business gives exactly what the full run gives.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


# Case folded by the analyser; English stop words carry no trade.
_OPTIONS = {"stop_words": "english", "sublinear_tf": True, "strip_accents": "unicode", "dtype": np.float32}


class TextModel:
    """TF-IDF vectors of businesses' descriptions, able to place any opportunity's text beside them.

    ``weights`` (from ``weights()`` of an earlier model that found words): use those words and weights instead of
    learning them from these texts.
    """

    def __init__(self, business_texts: Sequence[str], weights: tuple[Sequence[str], Sequence[float]] | None = None):
        if weights is not None:
            terms, idf = weights
            self._vectorizer = TfidfVectorizer(**_OPTIONS, vocabulary={term: n for n, term in enumerate(terms)})
            self._vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
            self.businesses = self._vectorizer.transform(business_texts).tocsr()
            self.terms = list(terms)
            return
        self._vectorizer = TfidfVectorizer(**_OPTIONS)
        try:
            self.businesses = self._vectorizer.fit_transform(business_texts).tocsr()
            self.terms = self._vectorizer.get_feature_names_out().tolist()
        except ValueError:
            self._nothing_to_compare(len(business_texts))

    def _nothing_to_compare(self, count: int) -> None:
        # No business wrote a word that is not a stop word.
        self._vectorizer = None
        self.businesses = sparse.csr_matrix((count, 1), dtype=np.float32)
        self.terms = [""]

    @property
    def learnt(self) -> bool:
        """Whether it found any words to weigh (a network where nobody wrote one has none)."""
        return self._vectorizer is not None

    def placing(self, business_texts: Sequence[str]) -> TextModel:
        """A model of these texts weighed exactly as this one's (to prepare a few changed businesses)."""
        if not self.learnt:
            raise ValueError("no words learnt to weigh these texts by: prepare the businesses afresh")
        if not business_texts:  # the vectoriser refuses an empty list
            return self.with_businesses(sparse.csr_matrix((0, len(self.terms)), dtype=np.float32))
        return self.with_businesses(self._vectorizer.transform(business_texts).tocsr())

    def with_businesses(self, businesses: sparse.csr_matrix) -> TextModel:
        """This model with these rows of business vectors (placed by it)."""
        model = object.__new__(TextModel)
        model._vectorizer, model.terms, model.businesses = self._vectorizer, self.terms, businesses
        return model

    def weights(self) -> tuple[list[str], list[float]]:
        """The words and their weights, to keep and give to a later model (none if nobody wrote a word)."""
        if not self.learnt:
            return [], []
        return list(self.terms), self._vectorizer.idf_.tolist()

    def opportunities(self, opportunity_texts: Sequence[str]) -> sparse.csr_matrix:
        if self._vectorizer is None:
            return sparse.csr_matrix((len(opportunity_texts), 1), dtype=np.float32)
        return self._vectorizer.transform(opportunity_texts).tocsr()

    @staticmethod
    def cosine(business_rows: sparse.csr_matrix, opportunity_rows: sparse.csr_matrix) -> np.ndarray:
        """Dense businesses x opportunities cosine similarities (the rows are already unit length)."""
        return np.asarray((business_rows @ opportunity_rows.T).todense(), dtype=np.float32)

    def term_sets(self) -> list[frozenset[int]]:
        """Each business's words (as term numbers), for naming the words a match shares."""
        m = self.businesses
        return [frozenset(m.indices[m.indptr[i]:m.indptr[i + 1]].tolist()) for i in range(m.shape[0])]

    @staticmethod
    def term_weights(opportunity_vectors: sparse.csr_matrix) -> list[dict[int, float]]:
        m = opportunity_vectors
        return [
            dict(zip(m.indices[m.indptr[j]:m.indptr[j + 1]].tolist(), m.data[m.indptr[j]:m.indptr[j + 1]].tolist()))
            for j in range(m.shape[0])
        ]

    def shared_terms(self, business_terms: frozenset[int], opportunity_weights: dict[int, float], limit: int = 3) -> list[str]:
        """The words that made two texts alike, the opportunity's strongest first."""
        common = business_terms.intersection(opportunity_weights)
        best = sorted(common, key=opportunity_weights.__getitem__, reverse=True)[:limit]
        return [self.terms[t] for t in best]
