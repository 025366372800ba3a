"""Where prices come from: the provider interface, Yahoo, offline, and a deadline guard."""
