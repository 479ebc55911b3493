"""The site: generated pages, shortcodes, link resolution, the browser's data. No MkDocs import."""
