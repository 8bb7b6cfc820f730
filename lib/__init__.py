"""Key-account management: data layer, domain rules and the Streamlit boundary."""
