package tlog

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// tmpDir holds files being written; Open empties it.
const tmpDir = ".tmp"

// writer writes files atomically: each is written to a temporary file,
// fsynced, and only then renamed into place, so a file is either absent
// or complete. The fsyncs of a batch run together (the disk commits them
// as a group) and the renames follow in the order of the puts.
type writer struct {
	root    string
	nosync  bool
	pending []pendingFile
	known   map[string]bool // directories known to exist
	dirty   map[string]bool // directories with new entries since the last sync

	// failBeforeLast, set by tests, makes commit fail as a crash would:
	// after the other files are in place, before the last one is.
	failBeforeLast error
}

type pendingFile struct {
	f    *os.File
	path string
}

// maxPending bounds the open temporary files of one batch.
const maxPending = 256

// syncers is how many fsyncs run at once.
const syncers = 16

func newWriter(root string, nosync bool) *writer {
	return &writer{root: root, nosync: nosync, known: map[string]bool{}, dirty: map[string]bool{}}
}

// put writes data at rel, a slash-separated path under the root. The file
// appears there at the next flush or sync.
func (w *writer) put(rel string, data []byte) error {
	path := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := w.mkdir(filepath.Dir(path)); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Join(w.root, tmpDir), "w-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	w.pending = append(w.pending, pendingFile{f, path})
	if len(w.pending) > maxPending {
		return w.flush()
	}
	return nil
}

// flush makes the pending files durable and renames them into place.
func (w *writer) flush() error {
	files := w.pending
	w.pending = nil
	if err := w.fsync(files); err != nil {
		return err
	}
	return w.rename(files)
}

// fsync syncs and closes files; on error it removes them all.
func (w *writer) fsync(files []pendingFile) error {
	errs := make([]error, len(files))
	if !w.nosync {
		each(len(files), func(i int) { errs[i] = files[i].f.Sync() })
	}
	for i, p := range files {
		if err := p.f.Close(); errs[i] == nil {
			errs[i] = err
		}
	}
	err := errors.Join(errs...)
	if err != nil {
		for _, p := range files {
			os.Remove(p.f.Name())
		}
	}
	return err
}

// rename moves synced files into place, in order.
func (w *writer) rename(files []pendingFile) error {
	var err error
	for _, p := range files {
		if err == nil {
			err = os.Rename(p.f.Name(), p.path)
			w.dirty[filepath.Dir(p.path)] = true
		}
		if err != nil {
			os.Remove(p.f.Name())
		}
	}
	return err
}

// commit makes the pending files durable and visible, and only then
// replaces the file at rel (the checkpoint) with data, durably. The
// checkpoint's own fsync runs with the others: it is not visible until
// its rename, which comes last.
func (w *writer) commit(rel string, data []byte) error {
	if err := w.put(rel, data); err != nil {
		return err
	}
	last := w.pending[len(w.pending)-1]
	files := w.pending
	w.pending = nil
	if err := w.fsync(files); err != nil {
		return err
	}
	if err := w.rename(files[:len(files)-1]); err != nil {
		os.Remove(last.f.Name())
		return err
	}
	if err := w.sync(); err != nil {
		os.Remove(last.f.Name())
		return err
	}
	if w.failBeforeLast != nil {
		os.Remove(last.f.Name())
		return w.failBeforeLast
	}
	if err := w.rename([]pendingFile{last}); err != nil {
		return err
	}
	return w.sync()
}

// sync flushes, then makes every rename and mkdir durable.
func (w *writer) sync() error {
	if err := w.flush(); err != nil {
		return err
	}
	dirs := make([]string, 0, len(w.dirty))
	for d := range w.dirty {
		dirs = append(dirs, d)
	}
	clear(w.dirty)
	if w.nosync {
		return nil
	}
	errs := make([]error, len(dirs))
	each(len(dirs), func(i int) { errs[i] = syncDir(dirs[i]) })
	return errors.Join(errs...)
}

// each runs f(0..n-1), syncers at a time.
func each(n int, f func(int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, syncers)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			f(i)
			<-sem
		})
	}
	wg.Wait()
}

// mkdir creates dir and its missing parents, marking each parent dirty.
func (w *writer) mkdir(dir string) error {
	if w.known[dir] {
		return nil
	}
	if _, err := os.Stat(dir); err == nil {
		w.known[dir] = true
		return nil
	}
	parent := filepath.Dir(dir)
	if err := w.mkdir(parent); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	w.known[dir] = true
	w.dirty[parent] = true
	return nil
}

// removeAll removes rel and forgets the directories under it.
func (w *writer) removeAll(rel string) error {
	path := filepath.Join(w.root, filepath.FromSlash(rel))
	for d := range w.known {
		if d == path || filepath.Dir(d) == path {
			delete(w.known, d)
		}
	}
	return os.RemoveAll(path)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
