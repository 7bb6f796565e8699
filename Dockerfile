# The quifaitquoi API image: loads data/ into the graph named by QFQ_GRAPH_URL, then serves on 8000.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph graph
COPY schema schema
COPY loaders loaders
COPY api api
COPY queries queries
COPY lookup lookup
COPY exports exports
COPY qfq qfq
COPY data data
RUN pip install --no-cache-dir -e .
ENV QFQ_DATA_DIR=/var/lib/qfq
EXPOSE 8000
CMD ["sh", "-c", "qfq load && exec qfq serve --host 0.0.0.0 --port 8000"]
