#!/usr/bin/env python3
# Usage: python3 jobs/torch-reference-imagenet-like.py runs/imagenet-like EPOCHS MIN_SCALE [THREADS]
# Needs torch + torchvision (pip, from the local wheel folder); not used by the tests.
# PyTorch/torchvision reference for the ImageNet-like run: same folder, same recipe as
# conf/train-imagenet-like.conf (one process, batch 64 = 2 replicas x 32).
import math, sys, time
import torch
torch.library.register_fake = lambda *a, **k: (lambda f: f)  # this torchvision wheel's C ops do not load; models/transforms do not need them
import torchvision
from torchvision import datasets, models, transforms

root, epochs, scale_min = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
torch.manual_seed(1)
mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
train_tf = transforms.Compose([transforms.RandomResizedCrop(64, scale=(scale_min, 1.0)), transforms.RandomHorizontalFlip(),
                               transforms.ToTensor(), transforms.Normalize(mean, std)])
eval_tf = transforms.Compose([transforms.Resize(73), transforms.CenterCrop(64), transforms.ToTensor(), transforms.Normalize(mean, std)])
train = datasets.ImageFolder(root + "/train", train_tf)
val = datasets.ImageFolder(root + "/val", eval_tf)
tl = torch.utils.data.DataLoader(train, batch_size=64, shuffle=True, num_workers=1, drop_last=True)
vl = torch.utils.data.DataLoader(val, batch_size=200, num_workers=1)
model = models.resnet18(num_classes=10, zero_init_residual=True)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
steps = epochs * len(tl); warm = int(0.3 * len(tl))
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, steps - warm))))
start = time.time()
for epoch in range(epochs):
    model.train()
    for x, y in tl:
        opt.zero_grad(); loss = torch.nn.functional.cross_entropy(model(x), y); loss.backward(); opt.step(); sched.step()
    model.eval(); correct = 0
    with torch.no_grad():
        for x, y in vl:
            correct += (model(x).argmax(1) == y).sum().item()
    print(f"epoch {epoch + 1}: test top-1 {correct / len(val):.4f}  ({time.time() - start:.0f} s)", flush=True)
