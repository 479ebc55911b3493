"""Every sentence a person reads: terminal, Markdown and the browser's templates."""
