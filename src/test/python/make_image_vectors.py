"""Writes the image decode and resampling test vectors under src/test/resources/vectors/images/ (not run by CI).

Every expected output is what torchvision's PIL path gives (Pillow with libjpeg-turbo, torchvision's
transforms.functional on PIL images), so the Java tests check ImageDecoder, Resampler and InputViews against it
without Python. Files:

  decode.tsv    file, PIL mode as opened, natural channels (1 gray / 3 colour), height, width;
                FILE.rgb and FILE.l hold convert('RGB') and convert('L') as raw CHW uint8
  resample.tsv  op, input, expected, op arguments and output size; inputs and outputs are raw CHW uint8
                (ops: resized_crop top left height width out_h out_w; resize shorter; center_crop out_h out_w;
                eval out_h out_w = Resize(floor(min/0.875)) then CenterCrop)
  rrc.tsv       torchvision RandomResizedCrop.get_params statistics over many draws, per image size

    pip install pillow torchvision torch numpy    # the local index has them
    python3 src/test/python/make_image_vectors.py
    IMAGE_VECTORS_OUT=/tmp/v python3 src/test/python/make_image_vectors.py   # write elsewhere

The YCCK JPEG is written by the JDK's own JPEG writer (Pillow cannot write YCCK), through `java` on the path.
"""
import io
import math
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import torch

# torchvision's CUDA build on this machine lacks its compiled ops; the transforms need none of them.
torch.library.register_fake = lambda *a, **k: (lambda f: f)
import torchvision  # noqa: E402
from torchvision.transforms import RandomResizedCrop  # noqa: E402
from torchvision.transforms import functional as F  # noqa: E402
from PIL import Image, features  # noqa: E402

OUT = os.environ.get('IMAGE_VECTORS_OUT') or os.path.join(
    os.path.dirname(__file__), '..', 'resources', 'vectors', 'images')
RNG = np.random.default_rng(20240616)


def natural(h, w, channels=3):
    """Smooth content with edges and a little noise, so JPEG and resampling errors would show."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = []
    for c in range(channels):
        f = 128 + 90 * np.sin(x / (3.0 + c) + y / (5.0 + 2 * c)) * np.cos(y / (7.0 - c))
        f += 40 * ((x // 9 + y // 7 + c) % 2)
        f += RNG.normal(0, 6, (h, w))
        planes.append(np.clip(f, 0, 255))
    return np.stack(planes, -1).round().astype(np.uint8)


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)


def png(rows, width, height, depth, color_type, extra=b''):
    """A PNG written by hand, for layouts Pillow does not write (16-bit colour, 2-bit gray, odd chunks)."""
    raw = b''.join(b'\x00' + r for r in rows)
    ihdr = struct.pack('>IIBBBBB', width, height, depth, color_type, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra + chunk(b'IDAT', zlib.compress(raw))
            + chunk(b'IEND', b''))


def pack_bits(values, depth):
    out = bytearray()
    per = 8 // depth
    for i in range(0, len(values), per):
        b = 0
        group = list(values[i:i + per]) + [0] * (per - len(values[i:i + per]))
        for v in group:
            b = (b << depth) | int(v)
        out.append(b)
    return bytes(out)


def jpeg(img, **kw):
    buf = io.BytesIO()
    img.save(buf, 'JPEG', **kw)
    return buf.getvalue()


def with_app_segment(jpg, marker, payload):
    """Inserts an APPn segment right after SOI."""
    return jpg[:2] + bytes([0xFF, marker]) + struct.pack('>H', len(payload) + 2) + payload + jpg[2:]


def ycck_jpeg(cmyk):
    """A YCCK JPEG (Adobe transform 2) from the JDK's writer, which Pillow cannot produce."""
    h, w, _ = cmyk.shape
    src = r'''
import java.awt.color.ColorSpace; import java.awt.image.*; import java.io.*; import javax.imageio.*; import javax.imageio.metadata.*;
import javax.imageio.stream.*; import org.w3c.dom.*;
public class Ycck { public static void main(String[] a) throws Exception {
  int w = Integer.parseInt(a[0]), h = Integer.parseInt(a[1]);
  byte[] px = new DataInputStream(System.in).readAllBytes();
  WritableRaster r = Raster.createInterleavedRaster(new DataBufferByte(px, px.length), w, h, 4 * w, 4,
      new int[] {0, 1, 2, 3}, null);
  ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
  ImageWriteParam p = wr.getDefaultWriteParam();
  p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT); p.setCompressionQuality(0.95f);
  // The writer's default metadata for four interleaved bands; an Adobe marker with transform 2 makes it YCCK.
  ImageTypeSpecifier t = ImageTypeSpecifier.createInterleaved(ColorSpace.getInstance(ColorSpace.CS_sRGB),
      new int[] {0, 1, 2, 3}, DataBuffer.TYPE_BYTE, true, false);
  IIOMetadata m = wr.getDefaultImageMetadata(t, p);
  IIOMetadataNode root = (IIOMetadataNode) m.getAsTree("javax_imageio_jpeg_image_1.0");
  Node markers = root.getElementsByTagName("markerSequence").item(0);
  IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe"); adobe.setAttribute("transform", "2");
  markers.insertBefore(adobe, markers.getFirstChild());
  m.setFromTree("javax_imageio_jpeg_image_1.0", root);
  ByteArrayOutputStream out = new ByteArrayOutputStream();
  try (ImageOutputStream o = ImageIO.createImageOutputStream(out)) { wr.setOutput(o);
    wr.write(null, new IIOImage(r, null, m), p); }
  System.out.write(out.toByteArray()); System.out.flush(); } }
'''
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'Ycck.java')
        with open(path, 'w') as f:
            f.write(src)
        done = subprocess.run(['java', path, str(w), str(h)], input=cmyk.tobytes(), capture_output=True, check=True)
    return done.stdout


def decode_vectors():
    files = {}
    rgb = natural(40, 48)
    files['jpeg_baseline_420.jpg'] = jpeg(Image.fromarray(rgb), quality=90)
    files['jpeg_baseline_444.jpg'] = jpeg(Image.fromarray(rgb), quality=90, subsampling=0)
    files['jpeg_baseline_422_odd.jpg'] = jpeg(Image.fromarray(natural(37, 53)), quality=75, subsampling=1)
    files['jpeg_progressive.jpg'] = jpeg(Image.fromarray(rgb), quality=85, progressive=True)
    files['jpeg_gray.jpg'] = jpeg(Image.fromarray(natural(33, 41, 1)[..., 0], 'L'), quality=90)
    cmyk = natural(32, 40, 4)
    files['jpeg_cmyk_adobe.jpg'] = jpeg(Image.fromarray(cmyk, 'CMYK'), quality=92)
    try:
        files['jpeg_ycck_adobe.jpg'] = ycck_jpeg(cmyk)
    except (OSError, subprocess.CalledProcessError) as e:
        print('no YCCK vector (java failed):', e, file=sys.stderr)
    # An ICC profile that is not one: PIL ignores it; a decoder that applies profiles must not choke.
    junk_icc = b'ICC_PROFILE\x00\x01\x01' + bytes(RNG.integers(0, 256, 300, dtype=np.uint8))
    files['jpeg_bad_icc.jpg'] = with_app_segment(files['jpeg_baseline_420.jpg'], 0xE2, junk_icc)
    # Adobe RGB-stored JPEG (transform 0, no JFIF): colours are not YCbCr.
    files['jpeg_adobe_rgb.jpg'] = ycck_free_rgb_jpeg(rgb)

    h, w = 21, 27
    img = natural(h, w)
    alpha = RNG.integers(0, 256, (h, w), dtype=np.uint8)
    files['png_rgb.png'] = png([img[r].tobytes() for r in range(h)], w, h, 8, 2)
    files['png_rgba.png'] = png([np.dstack([img, alpha])[r].tobytes() for r in range(h)], w, h, 8, 6)
    gray = natural(h, w, 1)[..., 0]
    files['png_gray.png'] = png([gray[r].tobytes() for r in range(h)], w, h, 8, 0)
    files['png_gray_alpha.png'] = png([np.dstack([gray, alpha])[r].tobytes() for r in range(h)], w, h, 8, 4)
    wide = (img.astype(np.uint16) * 257 + RNG.integers(0, 257, img.shape)).astype('>u2')
    files['png_rgb16.png'] = png([wide[r].tobytes() for r in range(h)], w, h, 16, 2)
    wide_a = np.dstack([wide, (alpha.astype(np.uint16) * 257).astype('>u2')]).astype('>u2')
    files['png_rgba16.png'] = png([wide_a[r].tobytes() for r in range(h)], w, h, 16, 6)
    # 16-bit gray with values below and above 255: PIL's I;16 -> L clamps.
    gray16 = (gray.astype(np.uint32) * RNG.integers(0, 3, gray.shape)).astype('>u2')
    files['png_gray16.png'] = png([gray16[r].tobytes() for r in range(h)], w, h, 16, 0)
    gray16_a = np.dstack([(gray.astype(np.uint16) * 257), alpha.astype(np.uint16) * 257]).astype('>u2')
    files['png_gray_alpha16.png'] = png([gray16_a[r].tobytes() for r in range(h)], w, h, 16, 4)
    files['png_gray2.png'] = png([pack_bits(gray[r] >> 6, 2) for r in range(h)], w, h, 2, 0)
    files['png_1bit.png'] = png([pack_bits(gray[r] >> 7, 1) for r in range(h)], w, h, 1, 0)
    palette = RNG.integers(0, 256, (16, 3), dtype=np.uint8)
    index = RNG.integers(0, 16, (h, w), dtype=np.uint8)
    plte = chunk(b'PLTE', palette.tobytes())
    files['png_palette.png'] = png([index[r].tobytes() for r in range(h)], w, h, 8, 3, plte)
    files['png_palette4_trns.png'] = png([pack_bits(index[r], 4) for r in range(h)], w, h, 4, 3,
                                         plte + chunk(b'tRNS', bytes(range(0, 256, 16))))
    gray_palette = chunk(b'PLTE', bytes(np.repeat(np.arange(0, 256, 17, dtype=np.uint8), 3)))
    files['png_palette_gray.png'] = png([index[r].tobytes() for r in range(h)], w, h, 8, 3, gray_palette)
    bad_icc = chunk(b'iCCP', b'junk\x00\x00' + zlib.compress(bytes(RNG.integers(0, 256, 200, dtype=np.uint8))))
    files['png_rgb_bad_icc.png'] = png([img[r].tobytes() for r in range(h)], w, h, 8, 2, bad_icc)
    buf = io.BytesIO()
    Image.fromarray(img).convert('P', palette=Image.Palette.ADAPTIVE, colors=32).save(buf, 'GIF')
    files['gif_palette.gif'] = buf.getvalue()
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, 'BMP')
    files['bmp_rgb.bmp'] = buf.getvalue()

    rows = []
    for name, data in sorted(files.items()):
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)
        im = Image.open(io.BytesIO(data))
        mode = im.mode
        gray_kind = mode in ('L', 'LA', '1', 'I;16', 'I') or (name == 'png_gray_alpha16.png')
        for target, ext in (('RGB', 'rgb'), ('L', 'l')):
            px = np.asarray(Image.open(io.BytesIO(data)).convert(target))
            chw = px.transpose(2, 0, 1) if px.ndim == 3 else px[None]
            with open(os.path.join(OUT, f'{name}.{ext}'), 'wb') as f:
                f.write(np.ascontiguousarray(chw).tobytes())
        rows.append(f'{name}\t{mode}\t{1 if gray_kind else 3}\t{im.height}\t{im.width}')
    with open(os.path.join(OUT, 'decode.tsv'), 'w') as f:
        f.write('# file\tPIL mode\tnatural channels\theight\twidth (expected: FILE.rgb, FILE.l, raw CHW uint8)\n')
        f.write('\n'.join(rows) + '\n')


def ycck_free_rgb_jpeg(rgb):
    """An RGB-stored JPEG: Pillow writes one when asked for keep_rgb (Adobe transform 0)."""
    return jpeg(Image.fromarray(rgb), quality=90, keep_rgb=True)


def write_raw(name, arr):
    chw = arr.transpose(2, 0, 1) if arr.ndim == 3 else arr[None]
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(np.ascontiguousarray(chw).tobytes())


def resample_vectors():
    rows = []
    inputs = {'rgb_37x53': natural(37, 53), 'gray_29x20': natural(29, 20, 1)[..., 0]}
    for name, arr in inputs.items():
        write_raw(f'{name}.raw', arr)
    cases = [
        ('rgb_37x53', 'resized_crop', (0, 0, 37, 53), (16, 16)),     # whole image, shrink
        ('rgb_37x53', 'resized_crop', (3, 5, 20, 30), (24, 24)),     # shrink wide, stretch tall
        ('rgb_37x53', 'resized_crop', (10, 7, 9, 11), (40, 33)),     # enlarge
        ('rgb_37x53', 'resized_crop', (1, 2, 35, 50), (7, 13)),      # strong shrink
        ('rgb_37x53', 'resized_crop', (4, 4, 12, 20), (12, 9)),      # one axis untouched
        ('rgb_37x53', 'resized_crop', (0, 40, 37, 13), (37, 13)),    # no resize at all
        ('gray_29x20', 'resized_crop', (2, 3, 25, 14), (10, 10)),
        ('gray_29x20', 'resized_crop', (0, 0, 29, 20), (64, 48)),
        ('rgb_37x53', 'resize', 16, None),
        ('rgb_37x53', 'resize', 37, None),   # already that size
        ('rgb_37x53', 'resize', 60, None),
        ('gray_29x20', 'resize', 11, None),
        ('rgb_37x53', 'center_crop', (20, 30), None),
        ('rgb_37x53', 'center_crop', (36, 52), None),   # odd margins round half to even
        ('gray_29x20', 'center_crop', (24, 24), None),  # wider than the image: zero padding
        ('rgb_37x53', 'eval', (14, 14), None),
        ('rgb_37x53', 'eval', (21, 28), None),
        ('gray_29x20', 'eval', (24, 24), None),
    ]
    for i, (name, op, arg, out) in enumerate(cases):
        arr = inputs[name]
        img = Image.fromarray(arr)
        if op == 'resized_crop':
            res = F.resized_crop(img, *arg, list(out), interpolation=F.InterpolationMode.BILINEAR)
            spec = ' '.join(map(str, arg + out))
        elif op == 'resize':
            res = F.resize(img, arg, interpolation=F.InterpolationMode.BILINEAR)
            spec = str(arg)
        elif op == 'center_crop':
            res = F.center_crop(img, list(arg))
            spec = ' '.join(map(str, arg))
        else:
            size = math.floor(min(arg) / 0.875)
            res = F.center_crop(F.resize(img, size, interpolation=F.InterpolationMode.BILINEAR), list(arg))
            spec = ' '.join(map(str, arg))
        expected = f'case{i:02d}_{op}.raw'
        write_raw(expected, np.asarray(res))
        rows.append(f'{op}\t{name}.raw\t{1 if arr.ndim == 2 else 3}\t{arr.shape[0]}\t{arr.shape[1]}\t{spec}\t'
                    f'{res.height}\t{res.width}\t{expected}')
    with open(os.path.join(OUT, 'resample.tsv'), 'w') as f:
        f.write('# op\tinput\tchannels\theight\twidth\targuments\tout height\tout width\texpected\n')
        f.write('\n'.join(rows) + '\n')


def rrc_statistics():
    """Moments of torchvision's boxes, to check the Java sampler's distribution against."""
    torch.manual_seed(0)
    rows = []
    draws = 100000
    for h, w in [(375, 500), (224, 224), (64, 48), (10, 400), (400, 10), (3, 5)]:
        img = Image.new('L', (w, h))
        boxes = np.array([RandomResizedCrop.get_params(img, [0.08, 1.0], [3 / 4, 4 / 3]) for _ in range(draws)],
                         dtype=np.float64)
        i, j, bh, bw = boxes.T
        scale = bh * bw / (h * w)
        logr = np.log(bw / bh)
        full = np.mean((bh == h) & (bw == w))
        rows.append(f'{h}\t{w}\t{draws}\t{scale.mean():.6f}\t{scale.std():.6f}\t{logr.mean():.6f}\t'
                    f'{logr.std():.6f}\t{(i / np.maximum(1, h - bh)).mean():.6f}\t{full:.6f}')
    with open(os.path.join(OUT, 'rrc.tsv'), 'w') as f:
        f.write('# height\twidth\tdraws\tscale mean\tscale std\tlog-ratio mean\tlog-ratio std\t'
                'mean top/(height-h)\tshare of whole-image boxes  (torchvision RandomResizedCrop.get_params)\n')
        f.write('\n'.join(rows) + '\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    print('Pillow', Image.__version__, 'libjpeg-turbo', features.version('libjpeg_turbo'),
          'torchvision', torchvision.__version__)
    decode_vectors()
    resample_vectors()
    rrc_statistics()


if __name__ == '__main__':
    main()
