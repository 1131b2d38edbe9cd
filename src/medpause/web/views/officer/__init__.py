"""The officer workbench: the region's review queue (`queue`), one application with its
documents and the decisions on it (`application`), a person look-up by ID number (`person`),
and the region's statistics (`statistics`).

Officers see their own region only; an administrator sees every region. Anyone else gets a 404
(a signed-out visitor is sent to the sign-in page). Every read goes through the selectors and
every change through a transition service; domain errors are shown with their code. ID numbers
never appear in a URL: the look-up is a POST form and pages are addressed by row id.
"""
