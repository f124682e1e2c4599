# Thin wrapper over Meson: `make`, `make test`, `make demo`, `make bench`.
BUILD ?= build
PYTEST = /usr/bin/python3 -m pytest

.PHONY: all test unit variants integration demo bench clean format

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

# Unit tests (under ASan/UBSan, in their own build dir) first, then the integration tests,
# whose pytest summary is the last thing printed.
test: all
	$(MAKE) unit
	$(MAKE) variants
	$(MAKE) integration

unit:
	[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-asan
	meson test -C build-asan --print-errorlogs

# The engine's state tests again over the other page paths: compressed frames over two streams
# (dump) with memory arriving on fault (restore --lazy); every dump building on a pre-dump
# taken just before it (only what the tree wrote since is copied); every image sent to
# stdout and restored from stdin as it arrives; and every dump a copy-on-write one (the tree
# runs on while its pages are copied, then the harness kills it).
VARIANT_TESTS = tests/integration/test_memory.py tests/integration/test_threads.py \
	tests/integration/test_tree.py tests/integration/test_programs.py \
	tests/integration/test_files.py tests/integration/test_signals.py
# Until a lazy restore's server has every page in, the mappings it fills carry the userfaultfd
# flag ("um" in smaps) and do not merge with their neighbours: the tests that compare the
# mappings exactly right after the restore are left to the eager run.
LAZY_DIFFERS = not test_protections_and_guards and not test_madvise_flags \
	and not test_protections_exact_vmas
# A copy-on-write dump lets the tree run past the moment of its image until the harness kills
# it: test_bash_loop, which checks that no number its loop wrote to a file comes twice, sees
# the restored loop write again what the original wrote in that time. It is left to the others.
COW_DIFFERS = not (test_bash_loop and not appending)
# (The stream run leaves out the one test that reads its image with `cryo show`: a stream is
# not a directory.)
# A warm pool (docs/fanout.md): every restore is `--copies 2` (pid namespaces of their own,
# lazy, one page server for both), and both copies must pass. Two live copies of one tree share
# what lies outside it by nature: a file both write or append to, a FIFO, a lock or a lease, a
# System V segment, inotify on a shared file, a counter file: those tests run as a pool of one
# instead (FANOUT_SHARED; the bash loop, whose test kills a process group, not at all). A pid
# namespace shows a session or a pidfd of a process outside it differently, and a dead
# process's proc directory is not restored into one (FANOUT_PIDNS, as with --pidns). And
# on-demand mappings keep the userfaultfd flag, as LAZY_DIFFERS says.
FANOUT_SHARED = test_file_private_mappings or test_file_shared_mapping \
	or test_regular_file_offsets_modes_append or test_fifo_buffered_bytes \
	or (test_descriptor_and_object_kinds and (locks or sysv)) or test_inotify_watches \
	or test_file_leases or test_sigio_owners_and_signals or test_bash_loop
FANOUT_PIDNS = test_pidfds_of_every_kind or test_root_leading_neither_its_session_nor_group \
	or test_cwd_in_a_dead_process_proc_directory
variants: all
	CRYO=$(CURDIR)/$(BUILD)/cryo CRYO_BUILD=$(CURDIR)/$(BUILD) \
	CRYO_DUMP_ARGS="--compression lz4 --streams 2" CRYO_RESTORE_ARGS="--lazy" \
	$(PYTEST) -q $(VARIANT_TESTS) -k "$(LAZY_DIFFERS)"
	CRYO=$(CURDIR)/$(BUILD)/cryo CRYO_BUILD=$(CURDIR)/$(BUILD) CRYO_PREDUMP=1 \
	$(PYTEST) -q $(VARIANT_TESTS)
	CRYO=$(CURDIR)/$(BUILD)/cryo CRYO_BUILD=$(CURDIR)/$(BUILD) CRYO_STREAM=1 \
	$(PYTEST) -q $(VARIANT_TESTS) -k "not test_image_records_pipe_bytes"
	CRYO=$(CURDIR)/$(BUILD)/cryo CRYO_BUILD=$(CURDIR)/$(BUILD) CRYO_FANOUT=2 \
	$(PYTEST) -q $(VARIANT_TESTS) \
	-k "$(LAZY_DIFFERS) and not ($(FANOUT_SHARED)) and not ($(FANOUT_PIDNS))"
	CRYO=$(CURDIR)/$(BUILD)/cryo CRYO_BUILD=$(CURDIR)/$(BUILD) CRYO_FANOUT=1 \
	$(PYTEST) -q $(VARIANT_TESTS) -k "($(FANOUT_SHARED)) and not test_bash_loop"
	CRYO=$(CURDIR)/$(BUILD)/cryo CRYO_BUILD=$(CURDIR)/$(BUILD) CRYO_COW=1 \
	$(PYTEST) -q $(VARIANT_TESTS) -k "$(COW_DIFFERS)"

integration: all
	CRYO=$(CURDIR)/$(BUILD)/cryo CRYO_BUILD=$(CURDIR)/$(BUILD) $(PYTEST) -v tests/integration

demo: all
	./scripts/demo.sh

bench: all
	./bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan
