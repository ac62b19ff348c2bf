"""How much memory SQLCipher may lock into RAM.

With `cipher_memory_security` on, SQLCipher wipes every buffer it frees (the
protection we want: nothing decrypted lingers in freed memory after a lock) and
also tries to `mlock` every buffer it allocates. Each successful lock splits the
process's memory map and each unlock merges it again, so bulk work (a pull of
10,000 changes) spends most of its time in the kernel: about 2.5x the cost of a
failed attempt. The default limit (8 MiB) never holds a whole database anyway, so
locking only protects whatever happens to be allocated early.

We keep the wiping and cap what may be locked at a small budget, taken first by
the key material SQLCipher allocates when each connection is keyed. Swap and
hibernation files are covered by the full-disk encryption managed laptops must
have (docs/security.md). A process with CAP_IPC_LOCK (root) ignores the limit.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

LOCKED_MEMORY_BUDGET = 256 * 1024  # bytes


def cap_locked_memory(budget: int = LOCKED_MEMORY_BUDGET) -> int | None:
    """Lower this process's soft RLIMIT_MEMLOCK to `budget`; return the limit now in force
    (None where the platform has no such limit, e.g. Windows)."""
    try:
        import resource
    except ImportError:  # Windows: VirtualLock has its own per-process quota
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    if soft == resource.RLIM_INFINITY or soft > budget:
        new_soft = budget if hard == resource.RLIM_INFINITY else min(budget, hard)
        try:
            resource.setrlimit(resource.RLIMIT_MEMLOCK, (new_soft, hard))
        except (ValueError, OSError):
            logger.warning("could not cap locked memory")
            return soft
        return new_soft
    return soft
