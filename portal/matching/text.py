"""Text similarity of what a business says it does to what an opportunity asks for (TF-IDF cosine).

The inverse document frequencies are learnt from the network's businesses'
descriptions only, never from the opportunities. So rematching one opportunity
weighs words exactly as the full run does (the businesses are the same), and
rematching one business weighs them as a full run over the same profiles would.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


class TextModel:
    """TF-IDF vectors of businesses' descriptions, able to place any opportunity's text beside them."""

    def __init__(self, business_texts: Sequence[str]):
        # Plurals and case folded by the analyser; English stop words carry no trade.
        self._vectorizer = TfidfVectorizer(
            stop_words="english", sublinear_tf=True, strip_accents="unicode", dtype=np.float32
        )
        try:
            self.businesses = self._vectorizer.fit_transform(business_texts).tocsr()
            self.terms = self._vectorizer.get_feature_names_out().tolist()
        except ValueError:
            # No business wrote a word that is not a stop word: nothing to compare.
            self._vectorizer = None
            self.businesses = sparse.csr_matrix((len(business_texts), 1), dtype=np.float32)
            self.terms = [""]

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
