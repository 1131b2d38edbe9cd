"""One thin router per domain: each maps HTTP to the core's services and selectors."""
