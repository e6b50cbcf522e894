"""The Markdown docs: pages rendered from the model (render, erd, queries), merged with human text
(pages) and written atomically (write).
"""
