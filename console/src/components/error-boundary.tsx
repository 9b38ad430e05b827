import { Component, type ComponentChildren } from 'preact';
import { t } from '../i18n.ts';

/** A page that throws while rendering shows the error in words and a way back, never a blank page. */
export class ErrorBoundary extends Component<{ children: ComponentChildren }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static override getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div class="problem" role="alert">
        <h2>{t('pageCrashed')}</h2>
        <p>{error.message}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          {t('retry')}
        </button>
      </div>
    );
  }
}
