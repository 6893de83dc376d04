"""VQ-VAE: images -> a grid of code-book indices -> images, and a PixelCNN prior over the index grid.

The code of an image (``encode``) is its grid of quantised vectors, flattened to
``latent_dim`` = grid cells x ``code_dim`` values; ``decode`` takes any such
vector. ``sample`` draws an index grid from the prior, one cell at a time in
raster order, and decodes the code-book vectors of those indices.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.autoencoder import Autoencoder
from zoo.models.noise import SampleNoise
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, square_image_shape


class MaskedConv2d(nn.Conv2d):
    """A convolution that sees only the cells before the centre in raster order (and the centre, for type B)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, include_centre: bool) -> None:
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        mask = torch.ones_like(self.weight)
        centre = kernel_size // 2
        mask[:, :, centre, centre + int(include_centre):] = 0
        mask[:, :, centre + 1:] = 0
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class CodePixelCNN(nn.Module):
    """Logits ``(N, K, H, W)`` of each cell's index given the cells before it, for index grids ``(N, H, W)``."""

    def __init__(self, codebook_size: int, width: int, layers: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(codebook_size, width)
        blocks: list[nn.Module] = [MaskedConv2d(width, width, 5, include_centre=False)]
        for _ in range(layers - 1):
            blocks += [nn.ReLU(), MaskedConv2d(width, width, 3, include_centre=True)]
        self.net = nn.Sequential(*blocks, nn.ReLU(), nn.Conv2d(width, codebook_size, 1))

    def forward(self, indices: torch.Tensor) -> torch.Tensor:
        return self.net(self.embed(indices).permute(0, 3, 1, 2))


class VQVAE(Autoencoder):
    """Encoder to a (image/4)^2 grid of ``code_dim`` vectors, quantised to a code book of ``codebook_size``."""

    continuous_codes = False
    metric_notes = {
        **Autoencoder.metric_notes,
        "confident_fraction": "samples decode index grids drawn from the PixelCNN prior over the code grid",
    }

    def __init__(
        self, codebook_size: int = 64, code_dim: int = 16, width: int = 64, prior_width: int = 64,
        prior_layers: int = 5, channels: int = 1, image_size: int = DEFAULT_IMAGE_SIZE,
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
        self.prior = CodePixelCNN(codebook_size, prior_width, prior_layers)

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
