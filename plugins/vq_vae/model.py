"""VQ-VAE: images -> a grid of code-book indices -> images, and an autoregressive prior over the index grid
(a causal transformer over its cells in raster order).

The code of an image (``encode``) is its grid of quantised vectors, flattened to
``latent_dim`` = grid cells x ``code_dim`` values; ``decode`` takes any such
vector. ``sample`` draws an index grid from the prior, one cell at a time in
raster order, and decodes the code-book vectors of those indices.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from zoo.models.autoencoder import Autoencoder
from zoo.models.noise import SampleNoise
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, square_image_shape


class CodeTransformer(nn.Module):
    """Logits ``(N, K, H, W)`` of each cell's index given the cells before it in raster order, for index grids
    ``(N, H, W)``: a causal transformer over the grid's cells, so every cell sees all cells before it."""

    def __init__(self, codebook_size: int, width: int, layers: int, cells: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(codebook_size, width)
        self.start = nn.Parameter(torch.zeros(1, 1, width))
        self.position = nn.Parameter(torch.randn(1, cells, width) * 0.02)
        layer = nn.TransformerEncoderLayer(width, math.gcd(width, 4), 4 * width, dropout=0.0, batch_first=True,
                                           norm_first=True)
        self.net = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, codebook_size))
        self.register_buffer("causal", torch.ones(cells, cells, dtype=torch.bool).triu(1), persistent=False)  # True: unseen

    def forward(self, indices: torch.Tensor) -> torch.Tensor:
        n, height, width = indices.shape
        tokens = self.embed(indices.flatten(1))
        shifted = torch.cat([self.start.expand(n, 1, -1), tokens[:, :-1]], dim=1) + self.position
        logits = self.head(self.net(shifted, mask=self.causal, is_causal=True))
        return logits.transpose(1, 2).reshape(n, -1, height, width)


class VQVAE(Autoencoder):
    """Encoder to a (image/4)^2 grid of ``code_dim`` vectors, quantised to a code book of ``codebook_size``."""

    continuous_codes = False
    metric_notes = {
        **Autoencoder.metric_notes,
        "confident_fraction": "samples decode index grids drawn from the transformer prior over the code grid",
    }

    def __init__(
        self, codebook_size: int = 64, code_dim: int = 16, width: int = 64, prior_width: int = 64,
        prior_layers: int = 3, channels: int = 1, image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        image_shape = square_image_shape(channels, image_size, "VQ-VAE")
        if image_size % 4:
            raise ValueError(f"VQ-VAE: image_size must be a multiple of 4, got {image_size}")
        self.grid = image_size // 4
        super().__init__(self.grid * self.grid * code_dim, image_shape)
        self.code_dim = code_dim
        self.encoder = nn.Sequential(
            nn.Conv2d(channels, width // 2, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(width // 2, width, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(width, width, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(width, code_dim, 1),
        )
        self.codebook = nn.Embedding(codebook_size, code_dim)
        nn.init.uniform_(self.codebook.weight, -1 / codebook_size, 1 / codebook_size)
        self.decoder = nn.Sequential(
            nn.Conv2d(code_dim, width, 3, 1, 1), nn.ReLU(),
            nn.ConvTranspose2d(width, width // 2, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(width // 2, channels, 4, 2, 1),
        )
        self.prior = CodeTransformer(codebook_size, prior_width, prior_layers, self.grid * self.grid)

    def encode_grid(self, x: torch.Tensor) -> torch.Tensor:
        """Encoder outputs before quantisation ``(N, code_dim, grid, grid)``."""
        return self.encoder(x)

    def nearest(self, vectors: torch.Tensor) -> torch.Tensor:
        """Index ``(N, grid, grid)`` of the code-book vector nearest to each cell of ``vectors``."""
        flat = vectors.permute(0, 2, 3, 1).reshape(-1, self.code_dim)
        distances = flat.square().sum(1, keepdim=True) - 2 * flat @ self.codebook.weight.T + self.codebook.weight.square().sum(1)
        return distances.argmin(1).view(vectors.shape[0], self.grid, self.grid)

    def lookup(self, indices: torch.Tensor) -> torch.Tensor:
        """Code-book vectors of an index grid: ``(N, code_dim, grid, grid)``."""
        return self.codebook(indices).permute(0, 3, 1, 2)

    def decode_logits(self, vectors: torch.Tensor) -> torch.Tensor:
        return self.decoder(vectors)

    def encode_batch(self, x: torch.Tensor) -> torch.Tensor:
        return self.lookup(self.nearest(self.encode_grid(x))).flatten(1)

    def decode_batch(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decode_logits(z.view(-1, self.code_dim, self.grid, self.grid)))

    def draw_indices(self, noise: SampleNoise) -> torch.Tensor:
        """Index grids ``(N, grid, grid)`` from the prior, cell by cell, by inverting each cell's
        distribution at a uniform draw of the image's own generator."""
        uniforms = noise.uniform(self.grid * self.grid).to(self.device, torch.float64)
        indices = torch.zeros(len(noise), self.grid, self.grid, dtype=torch.long, device=self.device)
        for cell in range(self.grid * self.grid):
            row, col = divmod(cell, self.grid)
            probs = self.prior(indices)[:, :, row, col].double().softmax(1)
            below = (probs.cumsum(1) < uniforms[:, cell : cell + 1]).sum(1)
            indices[:, row, col] = below.clamp(max=probs.shape[1] - 1)
        return indices

    def draw_codes(self, noise: SampleNoise) -> torch.Tensor:
        return self.lookup(self.draw_indices(noise)).flatten(1).to(self.dtype)
