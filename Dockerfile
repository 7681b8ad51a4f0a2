FROM python:3.11-slim
WORKDIR /app
# Graphviz's dot lays out the network views; Pango and fonts let WeasyPrint write the panel paper.
RUN apt-get update && apt-get install -y --no-install-recommends graphviz libpango-1.0-0 libpangoft2-1.0-0 \
        fonts-dejavu-core fonts-liberation && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY graphmodel ./graphmodel
COPY api ./api
COPY loaders ./loaders
COPY viz ./viz
COPY paper ./paper
COPY devtools ./devtools
RUN pip install --no-cache-dir . && useradd --create-home assurance
USER assurance
EXPOSE 8000
# Binding beyond loopback requires API keys (ASSURANCE_MAP_API_KEYS); the server refuses otherwise.
CMD ["assurance-map", "serve", "--host", "0.0.0.0", "--port", "8000"]
