"""Web views, split by audience: public (no login), portal (individual), unit (unit agent), auth."""
