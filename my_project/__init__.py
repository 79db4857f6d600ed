"""Course example project: corrupted-MNIST-like data and a small CNN, used by the W&B exercises."""
