"""HTTP: the candidate page, the recruiter dashboard, the token endpoint and reports."""
