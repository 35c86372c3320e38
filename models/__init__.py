"""asset-diffusion models: data preparation, networks, training, ONNX export (PyTorch)."""
