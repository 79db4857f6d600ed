import argparse

import torch
import torch.nn.functional as F
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main():
    p = argparse.ArgumentParser(description="corrupt mnist + wandb")
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--batch_size", type=int, default=128)
    p.add_argument("--epochs", type=int, default=2)
    args = p.parse_args()

    run = wandb.init(project="dtu-mlops", entity=None, job_type="train", config=vars(args))
    cfg = run.config

    train_ds, _ = corrupt_mnist()
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, num_workers=0)
    net = MyAwesomeModel()
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=1e-4)

    for ep in range(cfg.epochs):
        net.train()
        for batch_idx, (xb, yb) in enumerate(loader):
            logits = net(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            wandb.log({"train_loss": loss.item(), "epoch": ep}, commit=False)
            wandb.log({"train_accuracy": (logits.argmax(-1) == yb).float().mean().item()})
            if batch_idx % 10 == 0:
                print(f"[{ep}] {batch_idx}/{len(loader)} loss={loss.item():.4f}")
    run.finish()


if __name__ == "__main__":
    main()
