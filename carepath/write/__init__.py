"""Write stage: run MkDocs and WeasyPrint, and publish the result into the site folder."""
