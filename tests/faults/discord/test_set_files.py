"""Bad set files dropped into a running bot's sets folder, then /sets reload: each refused with
an error naming its file, the other sets still loading and drafting, the process unharmed.

The loaders' own cases (bad JSON, wrong schema, size limit, YAML tags, codes with path
separators, bad and bomb images) are in tests/draft/test_catalog.py, test_loaders.py and
tests/render/test_images.py; this is the same through the bot, with its configured limit."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.bot.e2e.harness import ROOT, table

from .support import SturdyDrafter, open_pod, outcome, record_input, refusal


async def test_bad_set_files_are_named_and_the_rest_load(tmp_path: Path) -> None:
    marker = tmp_path / "yaml-ran-code"
    async with table(tmp_path) as t:
        with t.config_path.open("a") as config:
            config.write("sets:\n  max_file_mb: 1\n")
        await t.start_bot()
        sets = t.folder / "sets"
        good = sorted(t.live_bot.catalog().sets)
        neo = (ROOT / "sets" / "NEO.json").read_text()
        bad = {
            "TRN.json": neo[: len(neo) // 2].replace('"code": "NEO"', '"code": "TRN"'),
            "WRG.json": json.dumps({"data": {"code": "WRG", "name": "Wrong", "cards": "none"}}),
            "TAG.yaml": f"!!python/object/apply:os.system ['touch {marker}']\n",
            "OBJ.yaml": "code: OBJ\nname: !!python/name:os.system\n",
            "BIG.json": json.dumps({"data": {"code": "BIG", "pad": "x" * 1_500_000}}),
            "EMPTY.json": "",
        }
        for name, text in bad.items():
            (sets / name).write_text(text)
        admin = t.driver.add_user("admin", global_name="Admin")
        await t.driver.add_member(t.guild, admin, admin=True)
        handle = await t.driver.invoke(admin, "sets reload", {}, channel=t.channel)
        text = await refusal(handle)
        catalog = t.live_bot.catalog()
        assert sorted(catalog.sets) == good, text
        named = {e.path.name for e in catalog.errors}
        assert named == set(bad), named
        for name in bad:
            assert name in text, (name, text)
        assert "over the limit" in next(str(e) for e in catalog.errors if e.path.name == "BIG.json")
        assert not marker.exists(), "a YAML tag ran code"
        (alice,) = await t.add_players(1)
        for code in ("TRN", "TAG", "BIG"):
            handle = await t.driver.invoke(alice, "draft create", {"set": code}, channel=t.channel)
            answer = await refusal(handle)
            assert code in answer and "NEO" in answer, answer
        record_input(
            "bad set files through the bot",
            "truncated JSON, wrong schema, 2 YAML tags, 1.5 MB over a 1 MB limit, empty; "
            "/sets reload and /draft create",
            len(bad) + 3,
            len(bad) + 3,
            note="each error names its file; the good sets still load and draft",
        )
        pod_id = await open_pod(t, [alice], bots=1, seats=2, pick_seconds=0)
        await asyncio.wait_for(SturdyDrafter(t, alice).draft(), 60)
        (await outcome(t, pod_id, [alice], seats=2)).check()
