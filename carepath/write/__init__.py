"""Write stage: run MkDocs and WeasyPrint, and publish the result into the site folder."""


class WriteFailed(Exception):
    """An unexpected error while writing one output; names it (a PDF, a page), the error itself is the cause."""

    def __init__(self, output: str) -> None:
        super().__init__(output)
        self.output = output
