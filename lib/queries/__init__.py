"""Read functions: (conn, scope, **filters) -> DataFrame or small dict, aggregated in SQL.

Nothing here imports Streamlit; lib/cache.py wraps these with caching keyed by scope.
"""
