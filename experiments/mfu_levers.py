"""What else could lift the cpu preset's bf16 training MFU toward 0.6? (issue 8, scratch measurements, not a chapter)

    python experiments/mfu_levers.py [profile|parts|attention|layout|loss|heads|modes|previous|blockmajor|lite|rope ...] [--reps N] [--seq T]   # default: all, 9 rounds

Each part races variants of `11_bench`'s headline step (the cpu preset's model without copy head, bf16 autocast,
compiled, one AdamW step on one random batch of 16 × 384) interleaved round by round, beside a 2048² bf16 matmul timed
in the same rounds, and prints each variant's median step time and MFU (the bench's formula). Every variant appears
twice (`name`, `name2`) so that the spread between twins shows this VM's noise. Run it on an otherwise idle machine.

- `profile`: where the step's time goes, with Inductor's generated kernels profiled one by one
  (`torch._inductor.config.cpp.enable_kernel_profile`): the table `11_bench` shows, opened inside `CompiledFxGraph`.
- `parts`: the step before and after the two changes of 2026-12-07: the token lookup's `index_add_` backward
  (`02_model`'s `embed`) and fused AdamW (`03_pretrain`'s trainer): base / embed / fused / both.
- `attention`: `02_model`'s blocked attention as a custom operator (what the model runs) against the same blocked
  computation written as plain PyTorch inside the compiled graph, so that Inductor fuses its softmax and mask.
- `layout`: one layer's blocked attention, forward + backward, with the grouped query heads laid out
  (B, Hk, T, g, d), so that a query block of all g heads is a view and the per-block copies go; the model's kernel beside it.
  (Written on 2026-12-07 against the kernel of then; since that evening the model uses this layout itself: see `previous`.)
- `loss`: the output layer and its log-softmax fused by row chunks (an autograd Function that keeps softmax − onehot
  for the backward, so the (B·T, V) logits never leave the cache), traced by `torch.compile`, against the model's path.
- `heads`: the same width with 3 heads of 64 (MQA: 1 K/V head, and MHA: 3) against the preset's 6 heads of 32
  (3 K/V heads): a different model, so its losses are not comparable; it asks only what head size does to MFU.
- `modes`: `torch.compile`'s default mode against max-autotune-no-cudagraphs, in bf16.
- `blockmajor`: the model's blocked attention against a version that lays the queries out block by block
  (`query_blocks`: (n_blocks, B, Hk, g·C, d), a short last block padded), so that each block is one contiguous matrix
  with a compact batch stride: one layer eager, and the compiled step.
- `previous`: `02_model`'s blocked attention until 2026-12-07 evening (queries (B, H, T, d), the 1/√d scale inside the
  operator, each block's stacked query heads copied out, its output copied in, dQ concatenated) against the model's
  (queries position-major, (B, Hk, T, g, d), scaled before the operator; QKᵀ and dO·Vᵀ on slices of Kᵀ and Vᵀ copies).
- `lite`: the previous kernel with two of the model's changes, not its layout: the scale outside, the Kᵀ and Vᵀ copies.
- `rope`: RoPE's rotate-half as two half-width products and a `cat` instead of a roll against the signed sine.
"""
import sys, statistics, types, inspect, textwrap
import torch, torch.nn.functional as F
import tldr_lab.model as M
from tldr_lab.config import get_preset
from tldr_lab.model import TransformerLM, ModelConfig, flops_per_token, blocked_causal_attention, _n_probs, _blocks, _causal_bias
from tldr_lab.bench import _random_batch, own_loss, keep_freed_memory, interleaved_times, compiled_step_fn, train_step_fn

torch._dynamo.config.recompile_limit = 64  # each part compiles its own variants of the model's forward; several parts in one run exceed the default 8
P = get_preset("cpu")
B, T = P.pretrain.batch_size, P.ctx_len

def race(make:dict, reps:int):
    "make: name -> (model, step); each twice; prints ms, MFU and the first two losses of each"
    fns, losses, flops = {}, {}, {}
    for name, mk in make.items():
        for twin in (name, name + "2"):
            model, step = mk()
            fns[twin], flops[twin] = step, flops_per_token(model.cfg, T) * B * T
            losses[twin] = [round(float(step().detach()), 5) for _ in range(2)]
    print("losses of the first two steps:", losses)
    a, b = (torch.randn(2048, 2048, dtype=torch.bfloat16) for _ in range(2))
    fns["peak"] = lambda: a @ b
    r = interleaved_times(fns, reps)
    peak = 2 * 2048 ** 3 / statistics.median(r.pop("peak"))
    for k, v in r.items():
        s = statistics.median(v)
        print(f"  {k:<14} {s * 1e3:6.1f} ms  MFU {flops[k] / s / peak:.3f}")

def model_of(**kw):
    torch.manual_seed(0)
    return TransformerLM(ModelConfig.from_preset(P, copy_dim=0, **kw))

def compiled(model, mode=None):
    batch = _random_batch(model, B, T, 0)
    if mode is None: return model, compiled_step_fn(model, batch, amp=torch.bfloat16, loss_of=own_loss)
    fwd = torch.compile(model, mode=mode)
    step = train_step_fn(model, batch, amp=torch.bfloat16, loss_of=lambda m, x, y: own_loss(fwd, x, y))
    step(); step()
    return model, step

def swap_method(obj, cls, method:str, old:str, new:str, name:str):
    "Bind to `obj` a copy of `cls.method` with `old` replaced by `new` in its source, defined in tldr_lab.model's globals"
    src = textwrap.dedent(inspect.getsource(getattr(cls, method))).replace(f"def {method}(", f"def {name}(").replace(old, new)
    assert new in src
    exec(src, M.__dict__)  # the module's own globals: torch.compile guards them as it does the original's
    setattr(obj, method, types.MethodType(M.__dict__[name], obj))

# ---- profile: the step's operators, Inductor's kernels among them
def profile(reps):
    import torch._inductor.config as inductor_config
    from torch.profiler import profile as torch_profile, ProfilerActivity
    inductor_config.cpp.enable_kernel_profile = True  # each generated C++ kernel becomes a profiler event
    model, step = compiled(model_of())
    r = interleaved_times(dict(step=step), reps)
    print(f"  step {statistics.median(r['step']) * 1e3:.1f} ms (median of {reps})")
    with torch_profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(3): step()
    print("  per step = the totals below / 3")
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=30, max_name_column_width=90))

# ---- parts: embed and fused AdamW
def step_with(fused:bool, plain_lookup:bool):
    model = model_of()
    if plain_lookup: swap_method(model, TransformerLM, "forward", "embed(self.tok_emb, input_ids)", "self.tok_emb(input_ids)", "_forward_plain_lookup")
    batch = _random_batch(model, B, T, 0)
    fwd = torch.compile(model)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1, **({"fused": True} if fused else {}))
    x, y = batch[:, :-1], batch[:, 1:]
    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16): loss = -fwd(x, targets=y).mean()
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        return loss
    step(); step()
    return model, step

def parts(reps):
    race(dict(base=lambda: step_with(False, True), embed=lambda: step_with(False, False),
              fused=lambda: step_with(True, True), both=lambda: step_with(True, False)), reps)

# ---- attention: the blocked computation traced by torch.compile instead of a custom operator
def traced_blocked_attention(q, k, v, block:int=64):
    Bq, H, Tq, d = q.shape; Hk = k.shape[1]; g = H // Hk
    dt = torch.get_autocast_dtype("cpu") if torch.is_autocast_enabled("cpu") else q.dtype
    with torch.autocast("cpu", enabled=False):
        q5, k, v = (q.to(dt) * d ** -0.5).view(Bq, Hk, g, Tq, d), k.to(dt), v.to(dt)
        outs = []
        for i, e in _blocks(Tq, block):
            s = (q5[:, :, :, i:e].reshape(Bq, Hk, g * (e - i), d) @ k[:, :, :e].transpose(-1, -2)).view(Bq, Hk, g, e - i, e)
            later = torch.arange(e, device=q.device)[None] > torch.arange(i, e, device=q.device)[:, None]
            p = s.masked_fill(later, float("-inf")).softmax(-1).view(Bq, Hk, g * (e - i), e)
            outs.append((p @ v[:, :, :e]).view(Bq, Hk, g, e - i, d))
        return torch.cat(outs, 3).view(Bq, H, Tq, d)
M._traced_blocked_attention = traced_blocked_attention

def traced_model(): return model_with("_traced_blocked_attention")

def attention(reps):
    race(dict(custom_op=lambda: compiled(model_of()), traced=traced_model), reps)

# ---- layout: one layer, query heads as (B, Hk, T, g, d)
@torch.library.custom_op("mfu_levers::attn_fwd", mutates_args=())
def attn_fwd(q:torch.Tensor, k:torch.Tensor, v:torch.Tensor, block:int)->tuple[torch.Tensor, torch.Tensor]:
    Bq, Hk, Tq, g, d = q.shape
    out, probs = q.new_empty(Bq, Tq, Hk, g, d), q.new_empty(_n_probs(Bq, Hk, g, Tq, block))
    o = 0
    for i, e in _blocks(Tq, block):
        n = Bq * Hk * g * (e - i) * e
        s = probs[o:o + n].view(Bq, Hk, (e - i) * g, e); o += n
        torch.matmul(q[:, :, i:e].view(Bq, Hk, (e - i) * g, d), k[:, :, :e].transpose(-1, -2), out=s)
        s.view(Bq, Hk, e - i, g, e)[..., i:].add_(_causal_bias(e - i, s.dtype, s.device)[:, None])
        torch.ops.aten._softmax.out(s, -1, False, out=s)
        out[:, i:e] = (s @ v[:, :, :e]).view(Bq, Hk, e - i, g, d).transpose(1, 2)
    return out, probs
@attn_fwd.register_fake
def _(q, k, v, block):
    Bq, Hk, Tq, g, d = q.shape
    return q.new_empty(Bq, Tq, Hk, g, d), q.new_empty(_n_probs(Bq, Hk, g, Tq, block))
@torch.library.custom_op("mfu_levers::attn_bwd", mutates_args=())
def attn_bwd(dout:torch.Tensor, q:torch.Tensor, k:torch.Tensor, v:torch.Tensor, probs:torch.Tensor, block:int)->tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    Bq, Hk, Tq, g, d = q.shape
    do = dout.transpose(1, 2).contiguous()
    dq, dk = torch.empty_like(q), torch.zeros(k.shape, dtype=torch.float32)
    dv, o = torch.zeros_like(dk), 0
    for i, e in _blocks(Tq, block):
        n = Bq * Hk * g * (e - i) * e
        p = probs[o:o + n].view(Bq, Hk, (e - i) * g, e); o += n
        qb, dob = q[:, :, i:e].view(Bq, Hk, (e - i) * g, d), do[:, :, i:e].view(Bq, Hk, (e - i) * g, d)
        dv[:, :, :e] += p.transpose(-1, -2) @ dob
        ds = torch._softmax_backward_data(dob @ v[:, :, :e].transpose(-1, -2), p, -1, p.dtype)
        torch.matmul(ds, k[:, :, :e], out=dq[:, :, i:e].view(Bq, Hk, (e - i) * g, d))
        dk[:, :, :e] += ds.transpose(-1, -2) @ qb
    return dq, dk.to(k.dtype), dv.to(v.dtype)
@attn_bwd.register_fake
def _(dout, q, k, v, probs, block): return q.new_empty(q.shape), k.new_empty(k.shape), v.new_empty(v.shape)
def _save(ctx, inputs, output):
    q, k, v, block = inputs
    ctx.block = block; ctx.set_materialize_grads(False); ctx.save_for_backward(q, k, v, output[1])
def _bwd(ctx, dout, dprobs):
    q, k, v, probs = ctx.saved_tensors
    return (*attn_bwd(dout.contiguous(), q, k, v, probs, ctx.block), None)
attn_fwd.register_autograd(_bwd, setup_context=_save)

def layout(reps):
    H, Hk, d, dt = P.n_heads, P.n_kv_heads, P.d_model // P.n_heads, torch.bfloat16
    g = torch.Generator().manual_seed(0)
    q = torch.randn(B, H, T, d, generator=g).to(dt).requires_grad_()
    k, v = (torch.randn(B, Hk, T, d, generator=g).to(dt).requires_grad_() for _ in range(2))
    up = torch.randn(B, T, H * d, generator=g).to(dt)
    def model_kernel(): return blocked_causal_attention(q, k, v).transpose(1, 2).reshape(B, T, H * d)
    def grouped():
        q5 = (q * d ** -0.5).view(B, Hk, H // Hk, T, d).transpose(2, 3).contiguous()
        return attn_fwd(q5, k.contiguous(), v.contiguous(), 64)[0].view(B, T, H * d)
    outs = {}
    for name, f in (("model", model_kernel), ("grouped", grouped)):
        q.grad = k.grad = v.grad = None
        y = f(); y.backward(up)
        outs[name] = [y.detach().float()] + [t.grad.float() for t in (q, k, v)]
    print("largest difference (out, dq, dk, dv):", [round((a - b).abs().max().item(), 4) for a, b in zip(*outs.values())])
    def step(f):
        def s(): q.grad = k.grad = v.grad = None; f().backward(up)
        return s
    r = interleaved_times(dict(model=step(model_kernel), grouped=step(grouped), model2=step(model_kernel), grouped2=step(grouped)), reps)
    for name, t in r.items(): print(f"  {name:<9} {statistics.median(t) * 1e3:6.2f} ms (one layer, bf16)")

# ---- loss: output layer + log-softmax by row chunks
class ChunkedTargetLogprobs(torch.autograd.Function):
    "log softmax(h Wᵀ)[y] per row, by chunks of rows; keeps P = softmax − onehot (h's dtype) for the backward"
    chunk = 512
    @staticmethod
    def forward(ctx, h, w, y):
        logps, Ps = [], []
        for r0 in range(0, h.shape[0], ChunkedTargetLogprobs.chunk):
            logits = (h[r0:r0 + ChunkedTargetLogprobs.chunk] @ w.t()).float()
            yc = y[r0:r0 + ChunkedTargetLogprobs.chunk, None]
            lse = logits.logsumexp(-1, keepdim=True)
            logps.append((logits.gather(1, yc) - lse)[:, 0])
            onehot = torch.arange(logits.shape[1], device=logits.device)[None] == yc
            Ps.append(((logits - lse).exp() - onehot.float()).to(h.dtype))
        P_ = torch.cat(Ps)
        ctx.save_for_backward(h, w, P_)
        return torch.cat(logps)
    @staticmethod
    def backward(ctx, g):
        h, w, P_ = ctx.saved_tensors
        gs = (-g).to(h.dtype)[:, None]  # d log p(y) / d logits = onehot − softmax = −P
        return (P_ @ w) * gs, P_.t() @ (h * gs), None

def chunked_loss_forward(self, input_ids, targets=None, **kw):
    h = TransformerLM.forward(self, input_ids, return_hidden=True)
    dt = torch.get_autocast_dtype("cpu") if torch.is_autocast_enabled("cpu") else h.dtype
    with torch.autocast("cpu", enabled=False):
        lp = ChunkedTargetLogprobs.apply(h.reshape(-1, h.shape[-1]).to(dt), self.lm_head.weight.to(dt), targets.reshape(-1))
    return lp.view(targets.shape)

def chunked_model():
    model = model_of()
    model.forward = types.MethodType(chunked_loss_forward, model)
    return compiled(model)

def loss(reps):
    race(dict(model_path=lambda: compiled(model_of()), chunked=chunked_model), reps)

# ---- blockmajor: queries, outputs and their gradients laid out block by block, (n_blocks, B, Hk, g·C, d), a short last
# block padded; the 1/√d scale outside the operator; each block's QKᵀ and dO·Vᵀ against slices of a transposed copy of K and V
def query_blocks(q:torch.Tensor, # (B, H, T, d) queries
                 g:int, # query heads per K/V head
                 block:int, # queries per block
                )->torch.Tensor:
    "(n_blocks, B, H/g, g·block, d): the queries block by block, the g heads of a K/V head stacked; a short last block padded with zeros"
    B, H, T, d = q.shape
    nb = (T + block - 1) // block
    if nb * block != T: q = F.pad(q, (0, 0, 0, nb * block - T))
    return q.view(B, H // g, g, nb, block, d).permute(3, 0, 1, 2, 4, 5).reshape(nb, B, H // g, g * block, d)

def from_query_blocks(x:torch.Tensor, # (n_blocks, B, Hk, g·block, d), as `query_blocks` lays out
                      g:int, # query heads per K/V head
                      T:int, # sequence length before padding
                     )->torch.Tensor:
    "(B, H, T, d): `query_blocks` undone, the padded rows dropped"
    nb, B, Hk, gC, d = x.shape
    x = x.view(nb, B, Hk, g, gC // g, d).permute(1, 2, 3, 0, 4, 5).reshape(B, Hk * g, nb * (gC // g), d)
    return x if x.shape[2] == T else x[:, :, :T]  # slice only if padded: eager autograd's backward of a slice writes a new tensor

def _rows(x:torch.Tensor, g:int, block:int, r:int)->torch.Tensor:
    "The first r query rows of each of the g stacked heads in one block of `query_blocks`' layout, (B, Hk, g, r, d): all of them but in a short last block"
    B, Hk, gC, d = x.shape
    return x.view(B, Hk, g, block, d)[:, :, :, :r]

@torch.library.custom_op("mfu_levers::bm_fwd", mutates_args=())
def bm_fwd(q:torch.Tensor, k:torch.Tensor, v:torch.Tensor, block:int)->tuple[torch.Tensor, torch.Tensor]:
    "Causal GQA attention of scaled queries laid out by `query_blocks` against keys and values (B, Hk, T, d): the output (laid out as q) and every block's probabilities, flattened"
    nb, B, Hk, gC, d = q.shape
    T, g = k.shape[2], gC // block
    out, probs = torch.empty_like(q), q.new_empty(_n_probs(B, Hk, g, T, block))
    kT = k.transpose(-1, -2).contiguous()  # (B, Hk, d, T): its first e columns multiply faster than k's first e rows, transposed
    bias, o = _causal_bias(block, q.dtype, q.device), 0
    for b, (i, e) in enumerate(_blocks(T, block)):
        r = e - i  # queries in this block: `block`, fewer in a short last block
        n = B * Hk * g * r * e
        s = probs[o:o + n].view(B, Hk, g * r, e); o += n  # the scores are written where their probabilities are kept: no copy
        qb = _rows(q[b], g, block, r).reshape(B, Hk, g * r, d)  # a view of one contiguous (g·block, d) matrix a sequence; a copy if short
        torch.matmul(qb, kT[..., :e], out=s)
        s.view(B, Hk, g, r, e)[..., i:].add_(bias[:r, :r])  # only the diagonal square has keys to hide
        torch.ops.aten._softmax.out(s, -1, False, out=s)  # in place
        if r == block: torch.matmul(s, v[:, :, :e], out=out[b])  # straight into the output: no copy
        else: _rows(out[b], g, block, r).copy_((s @ v[:, :, :e]).view(B, Hk, g, r, d)); _rows(out[b], g, block, block)[:, :, :, r:] = 0
    return out, probs

@bm_fwd.register_fake
def _(q, k, v, block):
    nb, B, Hk, gC, d = q.shape
    return torch.empty_like(q), q.new_empty(_n_probs(B, Hk, gC // block, k.shape[2], block))

@torch.library.custom_op("mfu_levers::bm_bwd", mutates_args=())
def bm_bwd(dout:torch.Tensor, q:torch.Tensor, k:torch.Tensor, v:torch.Tensor, probs:torch.Tensor, block:int)->tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    "Gradients (dq, dk, dv) of `bm_fwd`, from its stored probabilities; dq and dout laid out as q"
    nb, B, Hk, gC, d = q.shape
    T, g = k.shape[2], gC // block
    dq = torch.empty_like(q)
    dk = torch.zeros(k.shape, dtype=torch.float32, device=k.device)  # keys get a share from every later block: sum in fp32
    dv = torch.zeros_like(dk)
    vT, o = v.transpose(-1, -2).contiguous(), 0
    for b, (i, e) in enumerate(_blocks(T, block)):
        r = e - i
        n = B * Hk * g * r * e
        p = probs[o:o + n].view(B, Hk, g * r, e); o += n
        qb, dob = (_rows(x[b], g, block, r).reshape(B, Hk, g * r, d) for x in (q, dout))
        dv[:, :, :e] += p.transpose(-1, -2) @ dob                                  # dV = Pᵀ dO
        ds = torch._softmax_backward_data(dob @ vT[..., :e], p, -1, p.dtype)       # dS = P ⊙ (dP − rowsum(dP ⊙ P))
        if r == block: torch.matmul(ds, k[:, :, :e], out=dq[b])                    # dQ = dS K (the scale is outside)
        else: _rows(dq[b], g, block, r).copy_((ds @ k[:, :, :e]).view(B, Hk, g, r, d)); _rows(dq[b], g, block, block)[:, :, :, r:] = 0
        dk[:, :, :e] += ds.transpose(-1, -2) @ qb                                  # dK = dSᵀ Q (Q scaled)
    return dq, dk.to(k.dtype), dv.to(v.dtype)

@bm_bwd.register_fake
def _(dout, q, k, v, probs, block): return torch.empty_like(q), k.new_empty(k.shape), v.new_empty(v.shape)

def _bm_save(ctx, inputs, output):
    q, k, v, block = inputs
    ctx.block = block
    ctx.set_materialize_grads(False)  # the probabilities get no gradient: else autograd fills a zero one as big as them
    ctx.save_for_backward(q, k, v, output[1])

def _bm_backward(ctx, dout, dprobs):  # the probabilities are an internal output: their gradient is never used
    q, k, v, probs = ctx.saved_tensors
    return (*bm_bwd(dout.contiguous(), q, k, v, probs, ctx.block), None)

bm_fwd.register_autograd(_bm_backward, setup_context=_bm_save)

def blockmajor_attention(q:torch.Tensor, # (B, H, T, d) queries
                             k:torch.Tensor, # (B, G, T, d) keys, G dividing H
                             v:torch.Tensor, # (B, G, T, d) values
                             block:int=64, # queries per block
                            )->torch.Tensor:
    "Causal (grouped-query) attention, the same as `F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)`, faster to train on a CPU"
    B, H, T, d = q.shape
    g = H // k.shape[1]
    dev = q.device.type
    dt = torch.get_autocast_dtype(dev) if torch.is_autocast_enabled(dev) else q.dtype  # autocast's dtype, as SDPA computes in
    with torch.autocast(dev, enabled=False):  # inside, autocast would recast the matmuls
        qb = query_blocks(q.to(dt) * d ** -0.5, g, block)  # the scale here: torch.compile fuses it, and the layout, into RoPE's kernel
        out = bm_fwd(qb, k.to(dt).contiguous(), v.to(dt).contiguous(), block)[0]
    return from_query_blocks(out, g, T)
M._blockmajor_attention = blockmajor_attention

def blockmajor_model(): return model_with("_blockmajor_attention")

def blockmajor(reps): kernels(reps, "model", blocked_causal_attention, "blockmajor", blockmajor_attention, lambda: compiled(model_of()), blockmajor_model)

# ---- previous and lite: 02_model's kernel until 2026-12-07 evening: queries (B, H, T, d), the 1/√d scale inside the
# operator, each block's stacked query heads copied out (`reshape`), its output copied in, dQ concatenated; QKᵀ against
# slices of K. `lite` is the same kernel with two of the model's changes and not its layout: the scale outside the
# operator (torch.compile fuses it into RoPE's kernel), and QKᵀ, dO·Vᵀ against slices of transposed copies of K and V.
def row_major_kernel(name:str, lite:bool):
    "The previous kernel (or `lite`) as custom operators mfu_levers::{name}_fwd/_bwd; returns its attention function"
    @torch.library.custom_op(f"mfu_levers::{name}_fwd", mutates_args=())
    def fwd(q:torch.Tensor, k:torch.Tensor, v:torch.Tensor, block:int)->tuple[torch.Tensor, torch.Tensor]:
        B, H, T, d = q.shape
        Hk = k.shape[1]; g = H // Hk
        q5 = (q if lite else q * d ** -0.5).view(B, Hk, g, T, d)  # the g query heads of a K/V head, side by side
        kT = k.transpose(-1, -2).contiguous() if lite else k.transpose(-1, -2)
        out, probs = q.new_empty(B, Hk, g, T, d), q.new_empty(_n_probs(B, Hk, g, T, block))
        o = 0
        for i, e in _blocks(T, block):
            n = B * Hk * g * (e - i) * e
            s = probs[o:o + n].view(B, Hk, g * (e - i), e); o += n
            qb = q5[:, :, :, i:e].reshape(B, Hk, g * (e - i), d)  # g heads' queries stacked: a copy
            torch.matmul(qb, kT[..., :e], out=s)
            s.view(B, Hk, g, e - i, e)[..., i:].add_(_causal_bias(e - i, s.dtype, s.device))
            torch.ops.aten._softmax.out(s, -1, False, out=s)
            out[:, :, :, i:e] = (s @ v[:, :, :e]).view(B, Hk, g, e - i, d)  # a copy into place
        return out.view(B, H, T, d), probs
    @fwd.register_fake
    def _(q, k, v, block):
        B, H, T, d = q.shape
        return q.new_empty(q.shape), q.new_empty(_n_probs(B, k.shape[1], H // k.shape[1], T, block))
    @torch.library.custom_op(f"mfu_levers::{name}_bwd", mutates_args=())
    def bwd(dout:torch.Tensor, q:torch.Tensor, k:torch.Tensor, v:torch.Tensor, probs:torch.Tensor, block:int)->tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        B, H, T, d = q.shape
        Hk = k.shape[1]; g = H // Hk
        q5, do5 = (q if lite else q * d ** -0.5).view(B, Hk, g, T, d), dout.view(B, Hk, g, T, d)
        vT = v.transpose(-1, -2).contiguous() if lite else v.transpose(-1, -2)
        dk = torch.zeros(k.shape, dtype=torch.float32, device=k.device)
        dv = torch.zeros_like(dk)
        dqs, o = [], 0
        for i, e in _blocks(T, block):
            n = B * Hk * g * (e - i) * e
            p = probs[o:o + n].view(B, Hk, g * (e - i), e); o += n
            qb = q5[:, :, :, i:e].reshape(B, Hk, g * (e - i), d)
            dob = do5[:, :, :, i:e].reshape(B, Hk, g * (e - i), d)
            dv[:, :, :e] += p.transpose(-1, -2) @ dob
            ds = torch._softmax_backward_data(dob @ vT[..., :e], p, -1, p.dtype)
            dqs.append((ds @ k[:, :, :e]).view(B, Hk, g, e - i, d))
            dk[:, :, :e] += ds.transpose(-1, -2) @ qb
        dq = torch.cat(dqs, 3).view(B, H, T, d)
        return (dq if lite else dq * d ** -0.5), dk.to(k.dtype), dv.to(v.dtype)
    @bwd.register_fake
    def _(dout, q, k, v, probs, block): return q.new_empty(q.shape), k.new_empty(k.shape), v.new_empty(v.shape)
    def save(ctx, inputs, output):
        q, k, v, block = inputs
        ctx.block = block; ctx.set_materialize_grads(False); ctx.save_for_backward(q, k, v, output[1])
    def backward(ctx, dout, dprobs):
        q, k, v, probs = ctx.saved_tensors
        return (*bwd(dout.contiguous(), q, k, v, probs, ctx.block), None)
    fwd.register_autograd(backward, setup_context=save)
    def attention(q, k, v, block:int=64):
        dt = torch.get_autocast_dtype("cpu") if torch.is_autocast_enabled("cpu") else q.dtype
        with torch.autocast("cpu", enabled=False):
            q = q.to(dt) * q.shape[-1] ** -0.5 if lite else q.to(dt)
            return fwd(q.contiguous(), k.to(dt).contiguous(), v.to(dt).contiguous(), block)[0]
    return attention

M._previous_attention = previous_attention = row_major_kernel("prev", lite=False)
M._lite_attention = lite_attention = row_major_kernel("lite", lite=True)

def model_with(attention:str):
    "The preset's model, compiled, its attention calling `attention` (a name in tldr_lab.model's globals) instead of `blocked_causal_attention`"
    model = model_of()
    for layer in model.layers:
        swap_method(layer.attn, M.Attention, "forward", "y = blocked_causal_attention(q, k, v)", f"y = {attention}(q, k, v)", f"_forward{attention}")
    return compiled(model)

previous_model, lite_model = lambda: model_with("_previous_attention"), lambda: model_with("_lite_attention")

def lite(reps): kernels(reps, "previous", previous_attention, "lite", lite_attention, previous_model, lite_model)

def kernels(reps, a:str, fa, b:str, fb, make_a, make_b):
    "One layer of attention eager (and the same outputs), then the compiled step, each with kernel a and kernel b"
    H, Hk, d, dt = P.n_heads, P.n_kv_heads, P.d_model // P.n_heads, torch.bfloat16
    for Tq in (T, 200):  # the race's rows, and a length that leaves the last block short
        g = torch.Generator().manual_seed(0)
        q = torch.randn(B, H, Tq, d, generator=g).to(dt).requires_grad_()
        k, v = (torch.randn(B, Hk, Tq, d, generator=g).to(dt).requires_grad_() for _ in range(2))
        up = torch.randn(B, H, Tq, d, generator=g).to(dt)
        outs = {}
        for name, f in ((a, fa), (b, fb)):
            q.grad = k.grad = v.grad = None
            y = f(q, k, v); y.backward(up)
            outs[name] = [y.detach().float()] + [t.grad.float() for t in (q, k, v)]
        print(f"T={Tq}: largest difference (out, dq, dk, dv):", [round((x - y).abs().max().item(), 4) for x, y in zip(*outs.values())])
        def layer(f):
            def s(): q.grad = k.grad = v.grad = None; f(q, k, v).backward(up)
            return s
        r = interleaved_times({a: layer(fa), b: layer(fb), a + "2": layer(fa), b + "2": layer(fb)}, reps)
        print("  one layer eager, forward + backward:", ", ".join(f"{n} {statistics.median(t) * 1e3:.2f} ms" for n, t in r.items()))
    race({a: make_a, b: make_b}, reps)

def previous(reps): kernels(reps, "previous", previous_attention, "model", blocked_causal_attention, previous_model, lambda: compiled(model_of()))

# ---- rope: rotate-half as two half-width products and a cat, instead of a roll against the signed sine
def rope_halves(x, cos, sin):
    h = x.shape[-1] // 2
    x1, x2, c, s = x[..., :h], x[..., h:], cos[..., :h], sin[..., h:]  # sin's second half is +sin
    return torch.cat([x1 * c - x2 * s, x2 * c + x1 * s], -1)
M._rope_halves = rope_halves

def rope_model():
    model = model_of()
    for layer in model.layers:
        swap_method(layer.attn, M.Attention, "forward", "apply_rope(qk, cos, sin)", "_rope_halves(qk, cos, sin)", "_forward_rope_halves")
    return compiled(model)

def rope(reps):
    x, (cos, sin) = torch.randn(2, 4, 10, 64), M.rope_tables(64, 10)
    print("largest difference from apply_rope:", (rope_halves(x, cos, sin) - M.apply_rope(x, cos, sin)).abs().max().item())
    race(dict(model=lambda: compiled(model_of()), rope_halves=rope_model), reps)

def heads(reps):
    race({"6x32_kv3": lambda: compiled(model_of()), "3x64_kv1": lambda: compiled(model_of(n_heads=3, n_kv_heads=1)),
          "3x64_kv3": lambda: compiled(model_of(n_heads=3, n_kv_heads=3))}, reps)

def modes(reps):
    race(dict(default=lambda: compiled(model_of()), max_autotune=lambda: compiled(model_of(), "max-autotune-no-cudagraphs")), reps)

if __name__ == "__main__":
    args = sys.argv[1:]
    reps = int(args[args.index("--reps") + 1]) if "--reps" in args else 9
    if "--seq" in args: T = int(args[args.index("--seq") + 1])  # rows of another length (SFT's batches are padded to their longest post)
    parts_ = ("profile", "parts", "attention", "layout", "loss", "heads", "modes", "previous", "blockmajor", "lite", "rope")
    names = [a for a in args if a in parts_] or list(parts_)
    keep_freed_memory()
    print(f"cpu preset, batch {B} x {T}, bf16, {torch.get_num_threads()} threads, torch {torch.__version__}")
    for n in names:
        print(f"\n[{n}]", flush=True)
        globals()[n](reps)
